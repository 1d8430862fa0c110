"""The request and reply values."""

import pytest

from agents.chat import ChatMessage, ChatReply, ChatRequest, ModelSettings, Usage


def test_context_is_neither_compared_nor_shown():
    """Two requests differing only in context are equal, and context stays out of repr."""
    settings = ModelSettings("m")
    plain = ChatRequest.build("a", [{"role": "user", "content": "x"}], settings, game_id="g1")
    with_context = ChatRequest.build("a", plain.messages, settings, game_id="g1", context={"secret": 1})

    assert plain == with_context
    assert "secret" not in repr(with_context)


def test_unknown_role_is_refused():
    """A message role outside system/user/assistant is a ValueError naming the allowed roles."""
    with pytest.raises(ValueError, match="system, user, assistant"):
        ChatMessage.coerce({"role": "tool", "content": "x"})


def test_stop_accepts_a_string_or_a_list():
    """A stop given as one string or a list is kept as a tuple."""
    assert ModelSettings("m", stop="\n").stop == ("\n",)
    assert ModelSettings("m", stop=["a", "b"]).stop == ("a", "b")  # type: ignore[arg-type]


def test_request_params_leave_out_unset_settings():
    """Only the settings that are set become request fields; the timeout never does."""
    settings = ModelSettings("m", temperature=0.0, seed=1, timeout_s=5)

    assert settings.request_params() == {"temperature": 0.0, "seed": 1}


def test_whitespace_only_reply_is_empty():
    """A reply of only whitespace counts as empty."""
    assert ChatReply(" \n\t", "m", Usage()).empty
    assert not ChatReply(" a ", "m", Usage()).empty
