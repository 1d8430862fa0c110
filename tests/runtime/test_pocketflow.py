"""Tests for runtime.pocketflow: PocketFlow's API and behaviour, plus the concurrency fixes."""

import asyncio
import warnings

import pytest

from runtime import pocketflow
from runtime.pocketflow import (
    END,
    AsyncBatchFlow,
    AsyncBatchNode,
    AsyncFlow,
    AsyncNode,
    AsyncParallelBatchFlow,
    AsyncParallelBatchNode,
    BatchFlow,
    BatchNode,
    Flow,
    Node,
)


class Say(Node):
    """Appends its name to shared["log"] and returns a fixed action."""

    def __init__(self, name, action=None):
        super().__init__()
        self.name = name
        self.action = action

    def post(self, shared, prep_res, exec_res):
        shared.setdefault("log", []).append(self.name)
        return self.action


class ASay(AsyncNode):
    """Async twin of Say."""

    def __init__(self, name, action=None):
        super().__init__()
        self.name = name
        self.action = action

    async def post_async(self, shared, prep_res, exec_res):
        shared.setdefault("log", []).append(self.name)
        return self.action


# --- Node basics ---------------------------------------------------------------------------------


def test_node_runs_prep_exec_post_in_order_passing_results():
    """run calls prep, exec, post in order, threads their results and returns post's result."""
    calls = []

    class Double(Node):
        def prep(self, shared):
            calls.append("prep")
            return shared["x"]

        def exec(self, prep_res):
            calls.append("exec")
            return prep_res * 2

        def post(self, shared, prep_res, exec_res):
            calls.append("post")
            shared["y"] = (prep_res, exec_res)
            return "next"

    shared = {"x": 21}
    assert Double().run(shared) == "next"
    assert calls == ["prep", "exec", "post"]
    assert shared["y"] == (21, 42)


def test_rshift_chains_and_returns_right_node():
    """a >> b >> c wires default successors and evaluates to the right-hand node."""
    a, b, c = Node(), Node(), Node()
    assert (a >> b >> c) is c
    assert a.successors == {"default": b}
    assert b.successors == {"default": c}


def test_action_transition_picks_branch():
    """node - "action" >> other wires a named branch that the flow follows."""
    start = Say("start", action="right")
    start - "left" >> Say("left")
    start - "right" >> Say("right")
    shared = {}
    Flow(start=start).run(shared)
    assert shared["log"] == ["start", "right"]


def test_non_string_action_raises_type_error():
    """Subtracting a non-string action raises TypeError."""
    with pytest.raises(TypeError):
        Node() - 1  # noqa: B018


def test_rewiring_an_action_warns():
    """Wiring the same action twice warns about overwriting it."""
    a = Node()
    a - "go" >> Node()
    with pytest.warns(UserWarning, match="Overwriting successor for action 'go'"):
        a - "go" >> Node()


def test_running_node_with_successors_alone_warns():
    """Node.run warns that successors are not run outside a Flow."""
    a = Say("a")
    a >> Node()
    shared = {}
    with pytest.warns(UserWarning, match="Node won't run successors. Use Flow."):
        a.run(shared)
    assert shared["log"] == ["a"]


async def test_running_async_node_with_successors_alone_warns():
    """AsyncNode.run_async warns that successors need an AsyncFlow."""
    a = ASay("a")
    a >> Node()
    with pytest.warns(UserWarning, match="Node won't run successors. Use AsyncFlow."):
        await a.run_async({})


# --- Flow basics ---------------------------------------------------------------------------------


def test_flow_warns_when_action_has_no_successor():
    """A flow ending on an unwired action of a node with successors warns."""
    a = Say("a", action="missing")
    a - "known" >> Node()
    with pytest.warns(UserWarning, match=r"Flow ends: 'missing' not found in \['known'\]"):
        Flow(start=a).run({})


def test_flow_ends_silently_at_node_without_successors():
    """A flow ending at a node without successors does not warn."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Flow(start=Say("a") >> Say("b", action="whatever")).run({})


def test_flow_returns_last_action():
    """Flow.run returns the action of the last node run."""
    a = Say("a")
    a >> Say("b", action="finished")
    assert Flow(start=a).run({}) == "finished"


def test_flow_start_sets_and_returns_start_node():
    """Flow.start stores the start node and returns it for chaining."""
    flow = Flow()
    node = Node()
    assert flow.start(node) is node
    assert flow.start_node is node


def test_flow_runs_copies_of_nodes():
    """A flow runs a copy of each node, leaving the wired node untouched."""

    class Mark(Node):
        def post(self, shared, prep_res, exec_res):
            self.marked = True
            shared["ran"] = self is not node

    node = Mark()
    shared = {}
    Flow(start=node).run(shared)
    assert shared["ran"]
    assert not hasattr(node, "marked")


def test_nested_flow_passes_params_down():
    """Params set on an outer flow reach nodes inside a nested flow."""
    seen = []

    class Record(Node):
        def prep(self, shared):
            seen.append(dict(self.params))

    inner = Flow(start=Record())
    outer = Flow(start=inner)
    outer.set_params({"user": "ada"})
    outer.run({})
    assert outer.params == {"user": "ada"}
    assert seen == [{"user": "ada"}]


# --- retries -------------------------------------------------------------------------------------


def test_node_retries_exec_and_exposes_cur_retry():
    """exec is retried up to max_retries and cur_retry counts attempts from 0."""
    attempts = []

    class Flaky(Node):
        def exec(self, prep_res):
            attempts.append(self.cur_retry)
            if self.cur_retry < 2:
                raise ValueError("not yet")
            return "ok"

        def post(self, shared, prep_res, exec_res):
            return exec_res

    assert Flaky(max_retries=3).run({}) == "ok"
    assert attempts == [0, 1, 2]


def test_exec_fallback_gets_last_exception():
    """After the last failed attempt exec_fallback's result replaces exec's."""

    class Failing(Node):
        def exec(self, prep_res):
            raise ValueError(f"attempt {self.cur_retry}")

        def exec_fallback(self, prep_res, exc):
            return f"fallback after {exc}"

        def post(self, shared, prep_res, exec_res):
            return exec_res

    assert Failing(max_retries=2).run({}) == "fallback after attempt 1"


def test_default_fallback_reraises():
    """The default exec_fallback re-raises the last exception."""

    class Failing(Node):
        def exec(self, prep_res):
            raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        Failing(max_retries=2).run({})


def test_sync_node_sleeps_wait_between_retries(monkeypatch):
    """A sync node sleeps `wait` seconds between attempts but not after the last one."""
    sleeps = []
    monkeypatch.setattr(pocketflow.time, "sleep", sleeps.append)

    class Failing(Node):
        def exec(self, prep_res):
            raise ValueError

        def exec_fallback(self, prep_res, exc):
            return "fallback"

    Failing(max_retries=3, wait=0.5).run({})
    assert sleeps == [0.5, 0.5]


def test_sync_node_does_not_catch_base_exceptions():
    """A BaseException such as KeyboardInterrupt is neither retried nor sent to the fallback."""
    calls = []

    class Interrupted(Node):
        def exec(self, prep_res):
            calls.append("exec")
            raise KeyboardInterrupt

        def exec_fallback(self, prep_res, exc):
            calls.append("fallback")

    with pytest.raises(KeyboardInterrupt):
        Interrupted(max_retries=3).run({})
    assert calls == ["exec"]


async def test_async_node_retries_then_falls_back():
    """An async node retries exec_async and then calls exec_fallback_async."""
    attempts = []

    class Failing(AsyncNode):
        async def exec_async(self, prep_res):
            attempts.append(self.cur_retry)
            raise ValueError("nope")

        async def exec_fallback_async(self, prep_res, exc):
            return f"fallback: {exc}"

        async def post_async(self, shared, prep_res, exec_res):
            return exec_res

    assert await Failing(max_retries=3).run_async({}) == "fallback: nope"
    assert attempts == [0, 1, 2]


async def test_async_retry_wait_keeps_loop_responsive():
    """Waiting between async retries lets other tasks run."""
    ticks = 0
    stop = False

    async def ticker():
        nonlocal ticks
        while not stop:
            ticks += 1
            await asyncio.sleep(0)

    seen = []

    class FailsOnce(AsyncNode):
        async def exec_async(self, prep_res):
            seen.append(ticks)
            if self.cur_retry == 0:
                raise ValueError
            return "ok"

    task = asyncio.create_task(ticker())
    await FailsOnce(max_retries=2, wait=0.01).run_async({})
    stop = True
    await task
    assert seen[1] > seen[0]


# --- batches -------------------------------------------------------------------------------------


def test_batch_node_execs_each_item():
    """BatchNode runs exec per item and hands post the list of results."""

    class Squares(BatchNode):
        def prep(self, shared):
            return shared["items"]

        def exec(self, item):
            return item * item

        def post(self, shared, prep_res, exec_res):
            shared["out"] = exec_res

    shared = {"items": [1, 2, 3]}
    Squares().run(shared)
    assert shared["out"] == [1, 4, 9]


def test_batch_node_treats_none_as_no_items():
    """A BatchNode whose prep returns None execs nothing and yields []."""

    class Empty(BatchNode):
        def post(self, shared, prep_res, exec_res):
            return exec_res

    assert Empty().run({}) == []


def test_batch_flow_runs_subflow_per_param_dict():
    """BatchFlow runs its flow once per param dict merged over its own params."""
    seen = []

    class Record(Node):
        def prep(self, shared):
            seen.append(dict(self.params))

    class PerFile(BatchFlow):
        def prep(self, shared):
            return [{"file": "a"}, {"file": "b"}]

        def post(self, shared, prep_res, exec_res):
            shared["post"] = (prep_res, exec_res)

    flow = PerFile(start=Record())
    flow.set_params({"user": "ada"})
    shared = {}
    flow.run(shared)
    assert seen == [{"user": "ada", "file": "a"}, {"user": "ada", "file": "b"}]
    assert shared["post"] == ([{"file": "a"}, {"file": "b"}], None)


async def test_async_batch_node_runs_items_one_after_another():
    """AsyncBatchNode finishes each item before starting the next."""
    events = []

    class Seq(AsyncBatchNode):
        async def prep_async(self, shared):
            return ["a", "b"]

        async def exec_async(self, item):
            events.append(f"start {item}")
            await asyncio.sleep(0)
            events.append(f"end {item}")
            return item.upper()

        async def post_async(self, shared, prep_res, exec_res):
            return exec_res

    assert await Seq().run_async({}) == ["A", "B"]
    assert events == ["start a", "end a", "start b", "end b"]


async def test_async_parallel_batch_node_runs_items_concurrently():
    """AsyncParallelBatchNode runs items at once: they can hand off events to each other."""
    first_ready = asyncio.Event()
    second_ready = asyncio.Event()

    class Pair(AsyncParallelBatchNode):
        async def prep_async(self, shared):
            return [1, 2]

        async def exec_async(self, item):
            if item == 1:
                first_ready.set()
                await second_ready.wait()
            else:
                await first_ready.wait()
                second_ready.set()
            return item * 10

        async def post_async(self, shared, prep_res, exec_res):
            return exec_res

    async with asyncio.timeout(5):
        assert await Pair().run_async({}) == [10, 20]


async def test_parallel_batch_items_keep_their_own_retry_state():
    """Concurrent items each get all their retries and see their own cur_retry."""
    seen = {item: [] for item in "abc"}
    yields = {"a": 0, "b": 1, "c": 2}

    class Flaky(AsyncParallelBatchNode):
        async def prep_async(self, shared):
            return list("abc")

        async def exec_async(self, item):
            # Items suspend a different number of times, so their attempts drift out of step.
            for _ in range(yields[item]):
                await asyncio.sleep(0)
            seen[item].append(self.cur_retry)
            if len(seen[item]) < 3:
                raise ValueError(item)
            return item.upper()

        async def post_async(self, shared, prep_res, exec_res):
            return exec_res

    assert await Flaky(max_retries=3).run_async({}) == ["A", "B", "C"]
    assert seen == {"a": [0, 1, 2], "b": [0, 1, 2], "c": [0, 1, 2]}


async def test_async_batch_flow_runs_param_dicts_one_after_another():
    """AsyncBatchFlow runs its flow for each param dict in turn."""
    events = []

    class Step(AsyncNode):
        async def prep_async(self, shared):
            events.append(f"start {self.params['n']}")
            await asyncio.sleep(0)
            events.append(f"end {self.params['n']}")

    class Each(AsyncBatchFlow):
        async def prep_async(self, shared):
            return [{"n": 1}, {"n": 2}]

    await Each(start=Step()).run_async({})
    assert events == ["start 1", "end 1", "start 2", "end 2"]


async def test_async_parallel_batch_flow_runs_param_dicts_concurrently():
    """AsyncParallelBatchFlow runs its flows at once: they can hand off events to each other."""
    first_ready = asyncio.Event()
    second_ready = asyncio.Event()
    done = []

    class Step(AsyncNode):
        async def exec_async(self, prep_res):
            if self.params["n"] == 1:
                first_ready.set()
                await second_ready.wait()
            else:
                await first_ready.wait()
                second_ready.set()
            done.append(self.params["n"])

    class Both(AsyncParallelBatchFlow):
        async def prep_async(self, shared):
            return [{"n": 1}, {"n": 2}]

        async def post_async(self, shared, prep_res, exec_res):
            shared["post"] = (prep_res, exec_res)

    shared = {}
    async with asyncio.timeout(5):
        await Both(start=Step()).run_async(shared)
    assert sorted(done) == [1, 2]
    assert shared["post"] == ([{"n": 1}, {"n": 2}], None)


# --- async flows ---------------------------------------------------------------------------------


async def test_async_flow_runs_sync_and_async_nodes():
    """AsyncFlow runs sync and async nodes along the wired actions and returns the last action."""
    start = Say("sync", action="go")
    start - "go" >> ASay("async") >> Say("sync again", action="last")
    shared = {}
    assert await AsyncFlow(start=start).run_async(shared) == "last"
    assert shared["log"] == ["sync", "async", "sync again"]


def test_sync_flow_refuses_async_nodes():
    """Flow.run raises RuntimeError when it reaches an async node."""
    with pytest.raises(RuntimeError, match="Use run_async."):
        Flow(start=Say("a") >> ASay("b")).run({})


def test_async_flow_run_refuses_async_nodes():
    """AsyncFlow.run (the sync entry point) raises RuntimeError on an async node."""
    with pytest.raises(RuntimeError, match="Use run_async."):
        AsyncFlow(start=ASay("a")).run({})


async def test_async_flow_yields_to_other_tasks_between_steps():
    """A flow of nodes that never suspend still lets other tasks run before it finishes."""
    order = []

    class Spin(AsyncNode):
        async def post_async(self, shared, prep_res, exec_res):
            shared["steps"] += 1
            return "again" if shared["steps"] < 1000 else "done"

    class Finish(AsyncNode):
        async def post_async(self, shared, prep_res, exec_res):
            order.append("busy finished")

    class Probe(Node):
        def post(self, shared, prep_res, exec_res):
            order.append(f"other ran after {busy_shared['steps']} steps")

    spin = Spin()
    spin - "again" >> spin
    spin - "done" >> Finish()
    busy_shared = {"steps": 0}
    await asyncio.gather(AsyncFlow(start=spin).run_async(busy_shared), AsyncFlow(start=Probe()).run_async({}))
    assert busy_shared["steps"] == 1000
    assert order == ["other ran after 1 steps", "busy finished"]


async def test_async_flow_runs_each_step_on_a_fresh_copy_of_the_wired_node():
    """Each step of a looping async node runs on its own copy: what a step rebinds on `self` never
    reaches the next step nor the wired node, and `params` and `cur_retry` are set on the copy."""
    steps = []  # each step's node, kept alive so that no two steps could share an id by reuse

    class Count(AsyncNode):
        def __init__(self):
            super().__init__()
            self.steps = 0

        async def prep_async(self, shared):
            return self.steps

        async def post_async(self, shared, prep_res, exec_res):
            steps.append((self, prep_res, dict(self.params), self.cur_retry))
            self.steps += 1  # rebinds on this step's copy only
            self.cur_retry = 7
            shared["left"] -= 1
            return "again" if shared["left"] else END

    count = Count()
    count - "again" >> count
    flow = AsyncFlow(start=count)
    flow.set_params({"round": 1})
    assert await flow.run_async({"left": 3}) == END
    assert [step[1:] for step in steps] == [(0, {"round": 1}, 0)] * 3
    assert len({id(step[0]) for step in steps}) == 3 and all(step[0] is not count for step in steps)
    assert count.steps == 0 and count.cur_retry == 0 and count.params == {}


async def test_one_node_object_serves_several_concurrent_async_flows():
    """One node object wired into two flows running at once: each flow's steps run on their own
    copies, interleaved, and neither sees the other's rebinding."""
    seen = []

    class Turn(AsyncNode):
        async def post_async(self, shared, prep_res, exec_res):
            assert not hasattr(self, "mine")  # a copy of the wired node, never another step's
            self.mine = shared["name"]
            seen.append(shared["name"])
            shared["left"] -= 1
            return "again" if shared["left"] else END

    turn = Turn()
    turn - "again" >> turn
    await asyncio.gather(
        AsyncFlow(start=turn).run_async({"name": "a", "left": 3}),
        AsyncFlow(start=turn).run_async({"name": "b", "left": 3}),
    )
    assert seen == ["a", "b"] * 3
    assert not hasattr(turn, "mine")


async def test_async_flow_step_uses_a_node_classes_own_copy_set_params_and_run():
    """A node class that customises copying, set_params or _run_async has them called at each step."""
    calls = []

    class Custom(AsyncNode):
        def __copy__(self):
            calls.append("copy")
            clone = Custom()
            clone.successors = self.successors
            return clone

        def set_params(self, params):
            calls.append("set_params")
            super().set_params(params)

        async def _run_async(self, shared):
            calls.append("run")
            return await super()._run_async(shared)

    assert await AsyncFlow(start=Custom()).run_async({}) is None
    assert calls == ["copy", "set_params", "run"]


async def test_cancellation_is_not_caught_retried_or_sent_to_fallback():
    """Cancelling a flow mid-exec cancels it without a retry or a fallback call."""
    started = asyncio.Event()
    calls = []

    class Hang(AsyncNode):
        async def exec_async(self, prep_res):
            calls.append("exec")
            if not started.is_set():
                # Only the first attempt hangs, so a wrongful retry would finish the task.
                started.set()
                await asyncio.Event().wait()

        async def exec_fallback_async(self, prep_res, exc):
            calls.append("fallback")

    task = asyncio.create_task(AsyncFlow(start=Hang(max_retries=3)).run_async({}))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()
    assert calls == ["exec"]


async def test_cancellation_during_retry_wait_propagates():
    """Cancelling a node while it waits to retry cancels it without another attempt."""
    failed = asyncio.Event()
    calls = []

    class Flaky(AsyncNode):
        async def exec_async(self, prep_res):
            calls.append("exec")
            failed.set()
            raise ValueError

        async def exec_fallback_async(self, prep_res, exc):
            calls.append("fallback")

    task = asyncio.create_task(Flaky(max_retries=3, wait=0.01).run_async({}))
    await failed.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert task.cancelled()
    assert calls == ["exec"]


# --- a PocketFlow-style program ------------------------------------------------------------------

WORDS = ["ant", "apricot", "apple", "banana"]


class Hinter(AsyncNode):
    """Reads the last guess from its inbox and sends a longer prefix of the secret as a hint."""

    async def prep_async(self, shared):
        guess = await shared["hinter_inbox"].get()
        if guess == "GAME_OVER":
            return None
        return shared["secret"], len(shared["past_guesses"])

    async def exec_async(self, prep_res):
        if prep_res is None:
            return None
        secret, misses = prep_res
        return secret[: misses + 1]

    async def post_async(self, shared, prep_res, hint):
        if hint is None:
            return "end"
        await shared["guesser_inbox"].put(hint)
        return "continue"


class Guesser(AsyncNode):
    """Reads a hint and guesses the first unused word with that prefix."""

    async def prep_async(self, shared):
        return await shared["guesser_inbox"].get(), shared["past_guesses"]

    async def exec_async(self, prep_res):
        prefix, past = prep_res
        return next(word for word in WORDS if word.startswith(prefix) and word not in past)

    async def post_async(self, shared, prep_res, guess):
        if guess == shared["secret"]:
            shared["solved"] = guess
            await shared["hinter_inbox"].put("GAME_OVER")
            return "end"
        shared["past_guesses"].append(guess)
        await shared["hinter_inbox"].put(guess)
        return "continue"


@pytest.mark.filterwarnings("ignore:Flow ends")
async def test_hinter_guesser_example_runs():
    """Two looping AsyncFlows talking over asyncio.Queues play a guessing game to the end."""
    shared = {
        "secret": "apple",
        "past_guesses": [],
        "hinter_inbox": asyncio.Queue(),
        "guesser_inbox": asyncio.Queue(),
    }
    await shared["hinter_inbox"].put("")
    hinter = Hinter()
    hinter - "continue" >> hinter
    guesser = Guesser()
    guesser - "continue" >> guesser
    async with asyncio.timeout(5):
        await asyncio.gather(
            AsyncFlow(start=hinter).run_async(shared), AsyncFlow(start=guesser).run_async(shared)
        )
    assert shared["solved"] == "apple"
    assert shared["past_guesses"] == ["ant", "apricot"]
