"""The budget of toasts for urgent arrivals (tui/toasts.py), on a clock the test moves."""

from __future__ import annotations

from triage.tui.toasts import UrgentToasts


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_one_toast() -> None:
    t: UrgentToasts[int] = UrgentToasts(2, 15, Clock())
    assert t.take(list(range(40))) == list(range(40))
    assert t.due() is None


def test_arrivals_while_the_toasts_are_in_sight_wait_and_are_told_together() -> None:
    clock = Clock()
    t: UrgentToasts[str] = UrgentToasts(2, 15, clock)
    assert t.take(["a"]) == ["a"]
    clock.now += 5
    assert t.take(["b", "c"]) == ["b", "c"]
    assert t.take(["d"]) == []  # two in sight: it waits
    assert t.take(["e"]) == []
    assert t.due() == 10
    clock.now += 10
    assert t.flush() == ["d", "e"]
    assert t.due() is None


def test_arrivals_during_a_dialog_wait_for_it_to_close() -> None:
    t: UrgentToasts[str] = UrgentToasts(2, 15, Clock())
    assert t.take(["a"], hold=True) == []
    assert t.due() is None  # (not a timer: the dialog's closing tells them)
    assert t.flush(hold=True) == []
    assert t.take(["b"], hold=True) == []
    assert t.flush() == ["a", "b"]


def test_a_timer_that_fires_early_posts_nothing_and_says_when_again() -> None:
    clock = Clock()
    t: UrgentToasts[int] = UrgentToasts(1, 15, clock)
    t.take([1])
    t.take([2])
    clock.now += 14.99
    assert t.flush() == []
    due = t.due()
    assert due is not None and due < 0.02
