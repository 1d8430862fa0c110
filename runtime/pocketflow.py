"""A PocketFlow-compatible flow engine: the PocketFlow family (Node, Flow, AsyncNode, AsyncFlow, the
batch and parallel nodes and flows).

Nodes run ``prep -> exec -> post``; ``post`` returns an action string that picks the next node
in a ``Flow``. The public API and behaviour match PocketFlow, so PocketFlow code runs by changing
only its import: ``from pocketflow import ...`` becomes ``from runtime.pocketflow import ...``.
Three defects are fixed:

* parallel batch items keep their own retry state (``cur_retry`` is per item);
* ``AsyncFlow`` yields to the event loop between nodes, so a flow cannot starve other tasks;
* retry waits never block the loop, and cancellation is never caught, retried or turned into
  a fallback (only ``Exception`` is handled, and ``asyncio.CancelledError`` is not one).
"""

from __future__ import annotations

import asyncio
import copy
import time
import types
import warnings
from collections.abc import Generator, Iterable
from typing import Any, Final, TypeVar

__all__ = [
    "END",
    "BaseNode",
    "Node",
    "BatchNode",
    "Flow",
    "BatchFlow",
    "AsyncNode",
    "AsyncBatchNode",
    "AsyncParallelBatchNode",
    "AsyncFlow",
    "AsyncBatchFlow",
    "AsyncParallelBatchFlow",
]

N = TypeVar("N", bound="BaseNode")


END: Final = "end"
"""Our one addition: returning END with no "end" successor finishes a flow on purpose, with no warning."""


_PLAIN_CLASSES: dict[type, bool] = {}


def _copy_node(node: N | None) -> N | None:
    """`copy.copy(node)`, with a fast path for classes that do not customise copying.

    Flows copy every node at every step (as PocketFlow does), so this sits on the hottest path.
    """
    if node is None:
        return None
    cls = type(node)
    plain = _PLAIN_CLASSES.get(cls)
    if plain is None:
        plain = _PLAIN_CLASSES[cls] = _copies_plainly(cls)
    if not plain:
        return copy.copy(node)
    clone = cls.__new__(cls)
    clone.__dict__.update(node.__dict__)
    return clone


def _copies_plainly(cls: type) -> bool:
    return (
        getattr(cls, "__copy__", None) is None
        and cls.__reduce_ex__ is object.__reduce_ex__
        and cls.__reduce__ is object.__reduce__
        and getattr(cls, "__getstate__", object.__getstate__) is object.__getstate__
        and "__slots__" not in {name for klass in cls.__mro__ for name in vars(klass)}
        and cls.__new__ is object.__new__
    )


class BaseNode:
    """A step with ``prep``/``exec``/``post`` hooks and action-labelled successors."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self.successors: dict[str, BaseNode] = {}

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def next(self, node: N, action: str = "default") -> N:
        if action in self.successors:
            warnings.warn(f"Overwriting successor for action '{action}'", stacklevel=2)
        self.successors[action] = node
        return node

    def prep(self, shared: Any) -> Any:
        pass

    def exec(self, prep_res: Any) -> Any:
        pass

    def post(self, shared: Any, prep_res: Any, exec_res: Any) -> Any:
        pass

    def _exec(self, prep_res: Any) -> Any:
        return self.exec(prep_res)

    def _run(self, shared: Any) -> Any:
        prep_res = self.prep(shared)
        exec_res = self._exec(prep_res)
        return self.post(shared, prep_res, exec_res)

    def run(self, shared: Any) -> Any:
        if self.successors:
            warnings.warn("Node won't run successors. Use Flow.", stacklevel=2)
        return self._run(shared)

    def __rshift__(self, other: N) -> N:
        return self.next(other)

    def __sub__(self, action: str) -> _ConditionalTransition:
        if not isinstance(action, str):
            raise TypeError("Action must be a string")
        return _ConditionalTransition(self, action)


class _ConditionalTransition:
    """The pending ``node - "action"`` half of ``node - "action" >> other``."""

    def __init__(self, src: BaseNode, action: str) -> None:
        self.src = src
        self.action = action

    def __rshift__(self, other: N) -> N:
        return self.src.next(other, self.action)


class Node(BaseNode):
    """A node whose ``exec`` is retried up to ``max_retries`` times, ``wait`` seconds apart."""

    def __init__(self, max_retries: int = 1, wait: float = 0) -> None:
        super().__init__()
        self.max_retries = max_retries
        self.wait = wait
        self.cur_retry = 0

    def exec_fallback(self, prep_res: Any, exc: Exception) -> Any:
        raise exc

    def _exec(self, prep_res: Any) -> Any:
        for attempt in range(self.max_retries):
            self.cur_retry = attempt
            try:
                return self.exec(prep_res)
            except Exception as exc:
                if attempt == self.max_retries - 1:
                    return self.exec_fallback(prep_res, exc)
                if self.wait > 0:
                    time.sleep(self.wait)


class BatchNode(Node):
    """A node whose ``exec`` runs once per item of ``prep``'s iterable."""

    def _exec(self, items: Iterable[Any] | None) -> list[Any]:
        return [super(BatchNode, self)._exec(item) for item in (items or [])]


class Flow(BaseNode):
    """Runs a graph of nodes from ``start_node``, following the actions their ``post`` returns."""

    def __init__(self, start: BaseNode | None = None) -> None:
        super().__init__()
        self.start_node = start

    def start(self, start: N) -> N:
        self.start_node = start
        return start

    def get_next_node(self, curr: BaseNode, action: str | None) -> BaseNode | None:
        nxt = curr.successors.get(action or "default")
        if nxt is None and curr.successors and action != END:
            warnings.warn(f"Flow ends: '{action}' not found in {list(curr.successors)}", stacklevel=2)
        return nxt

    def _orch(self, shared: Any, params: dict[str, Any] | None = None) -> Any:
        # Each step runs on a shallow copy, so one node object may sit in several flows.
        curr = _copy_node(self.start_node)
        step_params = params or {**self.params}
        last_action = None
        while curr is not None:
            curr.set_params(step_params)
            last_action = curr._run(shared)
            curr = _copy_node(self.get_next_node(curr, last_action))
        return last_action

    def _run(self, shared: Any) -> Any:
        prep_res = self.prep(shared)
        orch_res = self._orch(shared)
        return self.post(shared, prep_res, orch_res)

    def post(self, shared: Any, prep_res: Any, exec_res: Any) -> Any:
        return exec_res


class BatchFlow(Flow):
    """Runs the whole flow once per param dict returned by ``prep``."""

    def _run(self, shared: Any) -> Any:
        prep_res = self.prep(shared) or []
        for batch_params in prep_res:
            self._orch(shared, {**self.params, **batch_params})
        return self.post(shared, prep_res, None)


class AsyncNode(Node):
    """A node with ``*_async`` hooks; run it with ``run_async`` or inside an ``AsyncFlow``."""

    async def prep_async(self, shared: Any) -> Any:
        pass

    async def exec_async(self, prep_res: Any) -> Any:
        pass

    async def exec_fallback_async(self, prep_res: Any, exc: Exception) -> Any:
        raise exc

    async def post_async(self, shared: Any, prep_res: Any, exec_res: Any) -> Any:
        pass

    async def _exec(self, prep_res: Any) -> Any:
        # `except Exception` lets CancelledError (a BaseException) through untouched.
        for attempt in range(self.max_retries):
            self.cur_retry = attempt
            try:
                return await self.exec_async(prep_res)
            except Exception as exc:
                if attempt == self.max_retries - 1:
                    return await self.exec_fallback_async(prep_res, exc)
                if self.wait > 0:
                    await asyncio.sleep(self.wait)

    async def run_async(self, shared: Any) -> Any:
        if self.successors:
            warnings.warn("Node won't run successors. Use AsyncFlow.", stacklevel=2)
        return await self._run_async(shared)

    async def _run_async(self, shared: Any) -> Any:
        cls = type(self)
        skip = _SKIPPABLE.get(cls)
        if skip is None:
            skip = _SKIPPABLE[cls] = _skippable(cls)
        skip_prep, skip_exec = skip
        # A hook left as AsyncNode's does nothing and returns None: not calling it changes nothing.
        prep_res = None if skip_prep else await self.prep_async(shared)
        if skip_exec:
            exec_res = None
            if self.max_retries > 0:
                self.cur_retry = 0
        else:
            exec_res = await self._exec(prep_res)
        return await self.post_async(shared, prep_res, exec_res)

    def _run(self, shared: Any) -> Any:
        raise RuntimeError("Use run_async.")


PLAIN_EXEC_OWNERS: set[type] = {AsyncNode, Node, BaseNode}
"""Classes whose `_exec` only runs `exec_async` with retries, as AsyncNode's does (AgentNode joins)."""

_SKIPPABLE: dict[type, tuple[bool, bool]] = {}


def _skippable(cls: type) -> tuple[bool, bool]:
    """Whether `cls`'s prep and exec steps are AsyncNode's own no-ops (flows run nodes at every step)."""
    exec_owners = {klass for klass in cls.__mro__ if "_exec" in vars(klass)}
    plain_exec = exec_owners <= PLAIN_EXEC_OWNERS and not issubclass(cls, BatchNode)
    return (
        getattr(cls, "prep_async", None) is AsyncNode.prep_async,
        plain_exec and getattr(cls, "exec_async", None) is AsyncNode.exec_async,
    )


@types.coroutine
def _yield_to_loop() -> Generator[None, None, None]:
    """Let the event loop run every other ready task once: asyncio.sleep(0) without its coroutine."""
    yield


_new_object = object.__new__


class _StepPlan:
    """How AsyncFlow runs a step of a node of one class (worked out once per class, as _copy_node and
    _skippable are: classes are not changed once their nodes run)."""

    __slots__ = ("copy_dict", "plain_params", "is_async", "inline", "skip_prep", "skip_exec")

    def __init__(self, cls: type) -> None:
        self.copy_dict = _copies_plainly(cls)  # the copy is a new object with the node's attributes
        self.plain_params = getattr(cls, "set_params", None) is BaseNode.set_params
        self.is_async = issubclass(cls, AsyncNode)
        self.inline = self.is_async and cls._run_async is AsyncNode._run_async  # type: ignore[attr-defined]
        self.skip_prep, self.skip_exec = _skippable(cls) if self.inline else (False, False)


_STEP_PLANS: dict[type, _StepPlan] = {}


def _step_plan(cls: type) -> _StepPlan:
    plan = _STEP_PLANS[cls] = _StepPlan(cls)
    return plan


class AsyncBatchNode(AsyncNode, BatchNode):
    """Runs ``exec_async`` for each item, one after another."""

    async def _exec(self, items: Iterable[Any] | None) -> list[Any]:
        return [await super(AsyncBatchNode, self)._exec(item) for item in (items or [])]


class AsyncParallelBatchNode(AsyncNode, BatchNode):
    """Runs ``exec_async`` for all items concurrently."""

    async def _exec(self, items: Iterable[Any] | None) -> list[Any]:
        # Each item retries on its own shallow copy of the node (as Flow copies nodes per step), so
        # `self.cur_retry` in exec_async is that item's attempt and no item eats another's retries.
        # Attributes an item rebinds on `self` stay on its copy; shared mutable ones stay shared.
        runs = [super(AsyncParallelBatchNode, copy.copy(self))._exec(item) for item in (items or [])]
        return await asyncio.gather(*runs)


class AsyncFlow(Flow, AsyncNode):
    """A flow that runs both sync and async nodes."""

    async def _orch_async(self, shared: Any, params: dict[str, Any] | None = None) -> Any:
        # Flow._orch's loop, each step costing as few calls as possible (it runs once per message): a
        # node whose class keeps the default copying, set_params and _run_async (see _StepPlan) has
        # them done here in line, with the same effects in the same order.
        node = self.start_node
        step_params = params or {**self.params}
        last_action = None
        plain_next = type(self).get_next_node is Flow.get_next_node
        while node is not None:
            cls = type(node)
            plan = _STEP_PLANS.get(cls) or _step_plan(cls)
            if plan.copy_dict:
                curr = _new_object(cls)
                curr.__dict__.update(node.__dict__)
            else:
                curr = copy.copy(node)
            if plan.plain_params:
                curr.params = step_params
            else:
                curr.set_params(step_params)
            if plan.inline:  # AsyncNode._run_async, in line
                prep_res = None if plan.skip_prep else await curr.prep_async(shared)
                if plan.skip_exec:
                    exec_res = None
                    if curr.max_retries > 0:
                        curr.cur_retry = 0
                else:
                    exec_res = await curr._exec(prep_res)
                last_action = await curr.post_async(shared, prep_res, exec_res)
            elif plan.is_async:
                last_action = await curr._run_async(shared)
            else:
                last_action = curr._run(shared)
            # Yield between steps (what asyncio.sleep(0) does): a flow whose nodes never suspend must
            # not starve other tasks.
            await _yield_to_loop()
            node = curr.successors.get(last_action or "default") if plain_next else None
            if node is None:  # the general way, which also warns when the action has no successor
                node = self.get_next_node(curr, last_action)
        return last_action

    async def _run_async(self, shared: Any) -> Any:
        prep_res = await self.prep_async(shared)
        orch_res = await self._orch_async(shared)
        return await self.post_async(shared, prep_res, orch_res)

    async def post_async(self, shared: Any, prep_res: Any, exec_res: Any) -> Any:
        return exec_res


class AsyncBatchFlow(AsyncFlow, BatchFlow):
    """Runs the flow once per param dict, one after another."""

    async def _run_async(self, shared: Any) -> Any:
        prep_res = await self.prep_async(shared) or []
        for batch_params in prep_res:
            await self._orch_async(shared, {**self.params, **batch_params})
        return await self.post_async(shared, prep_res, None)


class AsyncParallelBatchFlow(AsyncFlow, BatchFlow):
    """Runs the flow once per param dict, all concurrently."""

    async def _run_async(self, shared: Any) -> Any:
        prep_res = await self.prep_async(shared) or []
        runs = [self._orch_async(shared, {**self.params, **batch_params}) for batch_params in prep_res]
        await asyncio.gather(*runs)
        return await self.post_async(shared, prep_res, None)
