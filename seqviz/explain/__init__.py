"""The explanations room: the numbers behind each page (attention, gates, the decoding stepper, the beam tree,
BLEU explained, the language model, embeddings, forecasting, the bottleneck and BPTT studies) as plain
results.
"""
