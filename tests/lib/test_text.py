from habeas.lib.text import one_line


def test_invisible_and_control_characters_leave_nothing():
    for text in ["\u200b\u200b", " \u200b ", "\u202e", "\x00\x07", "\ufeff", "\u200d"]:
        assert one_line(text) == "", repr(text)


def test_names_keep_their_letters_and_joiners():
    assert one_line("  Рустам \u200bИсаков\n") == "Рустам Исаков"
    assert one_line("TM-2021-\u202e003") == "TM-2021-003"
    persian = "\u0645\u200c\u0647\u0631\u0627\u0646"  # with a zero-width non-joiner
    assert one_line(persian) == persian
    assert one_line("bad\x07name") == "badname"
