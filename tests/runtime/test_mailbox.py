"""Tests for runtime.mailbox: the Mailbox protocol and the in-memory mailbox."""

import asyncio

import pytest

from runtime import FakeClock, Message
from runtime.errors import MailboxClosed, ReceiveTimeout
from runtime.mailbox import InMemoryMailbox, Mailbox
from tests.support.agents import let_run


def message(n):
    return Message(id=f"m{n}", sender="a", recipient="b", kind="note", text=str(n))


async def test_get_returns_messages_in_put_order():
    """Messages come out of get() in the order they were put."""
    mailbox = InMemoryMailbox("b")
    for n in range(3):
        await mailbox.put(message(n))

    assert [(await mailbox.get()).text for _ in range(3)] == ["0", "1", "2"]


async def test_get_with_timeout_raises_receive_timeout_at_the_deadline():
    """get(timeout=30) raises ReceiveTimeout once 30 seconds of the clock pass, not before."""
    clock = FakeClock()
    mailbox = InMemoryMailbox("b", clock)
    getting = asyncio.create_task(mailbox.get(timeout=30))
    await let_run()

    clock.advance(29.9)
    await let_run()
    assert not getting.done()
    clock.advance(0.1)

    with pytest.raises(ReceiveTimeout) as caught:
        await getting
    assert (caught.value.owner, caught.value.seconds) == ("b", 30)


async def test_get_with_timeout_returns_a_message_that_arrives_in_time():
    """A message put before the deadline is returned, and the later deadline has no effect."""
    clock = FakeClock()
    mailbox = InMemoryMailbox("b", clock)
    getting = asyncio.create_task(mailbox.get(timeout=30))
    await let_run()

    await mailbox.put(message(1))
    received = await getting
    clock.advance(60)

    assert received.text == "1"


async def test_waiting_receiver_gets_mailbox_closed_when_closed():
    """A receiver blocked in get() raises MailboxClosed when the mailbox is closed."""
    mailbox = InMemoryMailbox("b")
    getting = asyncio.create_task(mailbox.get())
    await let_run()

    mailbox.close()

    with pytest.raises(MailboxClosed, match="'b'"):
        await getting


async def test_every_waiting_receiver_gets_mailbox_closed():
    """Closing wakes all receivers blocked on the mailbox, not just the first."""
    mailbox = InMemoryMailbox("b")
    getters = [asyncio.create_task(mailbox.get()) for _ in range(3)]
    await let_run()

    mailbox.close()
    results = await asyncio.gather(*getters, return_exceptions=True)

    assert [type(result) for result in results] == [MailboxClosed] * 3


async def test_put_after_close_raises_mailbox_closed():
    """put() on a closed mailbox raises MailboxClosed."""
    mailbox = InMemoryMailbox("b")
    mailbox.close()

    with pytest.raises(MailboxClosed):
        await mailbox.put(message(1))


async def test_get_after_close_raises_mailbox_closed_even_with_messages_left():
    """get() on a closed mailbox raises MailboxClosed instead of returning leftover messages."""
    mailbox = InMemoryMailbox("b")
    await mailbox.put(message(1))
    mailbox.close()

    with pytest.raises(MailboxClosed):
        await mailbox.get()


async def test_qsize_counts_waiting_messages():
    """qsize() is the number of messages put and not yet taken, 0 once closed."""
    mailbox = InMemoryMailbox("b")
    assert mailbox.qsize() == 0
    await mailbox.put(message(1))
    await mailbox.put(message(2))
    assert mailbox.qsize() == 2
    await mailbox.get()
    assert mailbox.qsize() == 1

    mailbox.close()

    assert mailbox.qsize() == 0


def test_in_memory_mailbox_satisfies_the_mailbox_protocol():
    """InMemoryMailbox is an instance of the runtime-checkable Mailbox protocol."""
    assert isinstance(InMemoryMailbox("b"), Mailbox)


async def test_a_receiver_woken_then_cancelled_leaves_the_message_to_the_next():
    """Two receivers wait; the first is woken by a message but cancelled before it takes it: the second
    gets the message, and nothing is lost or taken twice."""
    mailbox = InMemoryMailbox("b")
    first = asyncio.create_task(mailbox.get())
    second = asyncio.create_task(mailbox.get())
    await let_run()

    mailbox.put_nowait(message(1))
    first.cancel()  # woken (its future is done) and cancelled in the same loop turn
    await let_run()

    assert second.done() and second.result().text == "1"
    assert first.cancelled()
    assert mailbox.qsize() == 0


async def test_every_waiting_receiver_sees_the_mailbox_closed():
    """Closing wakes all receivers of the mailbox at once, each with MailboxClosed."""
    mailbox = InMemoryMailbox("b")
    getters = [asyncio.create_task(mailbox.get()) for _ in range(3)]
    await let_run()

    mailbox.close()

    for getter in getters:
        with pytest.raises(MailboxClosed):
            await getter
