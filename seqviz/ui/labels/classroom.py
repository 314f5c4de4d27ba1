"""Labels of the classroom model (``seqviz.ui.classroom``): the personal key and sharing with the class."""

LABELS: dict[str, dict[str, str]] = {
    "classroom.key_refused": {
        "en": (
            "The link's personal key (me=…) is not one seqviz makes, so it was not used: this session has a "
            "new key, and its list of your own models starts empty."
        ),
        "zh": "链接中的个人密钥（me=…）不是 seqviz 生成的，因此未被使用：本会话换了新密钥，你自己的模型列表从空开始。",
    },
    "classroom.link_hint": {
        "en": (
            "Your own models stay with this page's link (me=… in the address): bookmark it to find them "
            "again. Leave me=… out of links you give others: whoever has it sees your models and can replace "
            "them."
        ),
        "zh": (
            "你自己的模型跟着本页链接走（地址中的 me=…）：把它加入书签，下次才能找回。"
            "发给别人的链接请去掉 me=…：拿到它的人能看到并替换你的模型。"
        ),
    },
    "classroom.share": {"en": "Share with the class", "zh": "分享给全班"},
    "classroom.share_help": {
        "en": (
            "Moves this model to the class's shared list, where everyone sees it. Its name must use only "
            "letters, digits, - _ . and must not look like a shipped or shared name. Once shared, nobody "
            "(you included) can replace it here."
        ),
        "zh": (
            "把这个模型移到全班共享的列表中，所有人都能看到。名称只能含字母、数字和 - _ .，"
            "且不能与自带或已共享的名称形似。共享之后，任何人（包括你）都不能在这里替换它。"
        ),
    },
    "classroom.shared": {
        "en": "Shared “{name}” with the class: it is now in everyone's list.",
        "zh": "已把「{name}」分享给全班：现在每个人的列表中都有它。",
    },
}
