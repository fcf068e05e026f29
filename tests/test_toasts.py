"""The budget of toasts for urgent arrivals (tui/toasts.py), on a clock the test moves."""

from __future__ import annotations

from triage.tui.toasts import UrgentToasts


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_three_toasts_and_one_count() -> None:
    t = UrgentToasts(3, 15, Clock())
    assert t.take(40) == (3, 37)
    assert t.due() is None


def test_arrivals_while_the_count_is_in_sight_wait_for_it_to_go() -> None:
    clock = Clock()
    t = UrgentToasts(3, 15, clock)
    assert t.take(1) == (1, 0)
    assert t.take(2) == (2, 0)
    assert t.take(1) == (0, 1)  # the fourth: counted at once
    clock.now += 5
    assert t.take(2) == (0, 0)  # a count is in sight: these wait
    assert t.due() == 10
    clock.now += 10
    assert t.flush() == 2
    assert t.due() is None


def test_toasts_that_left_sight_make_room_for_new_ones() -> None:
    clock = Clock()
    t = UrgentToasts(3, 15, clock)
    assert t.take(3) == (3, 0)
    clock.now += 15
    assert t.take(2) == (2, 0)
    clock.now += 1
    assert t.take(2) == (1, 1)


def test_a_timer_that_fires_early_posts_nothing_and_says_when_again() -> None:
    clock = Clock()
    t = UrgentToasts(3, 15, clock)
    t.take(5)
    t.take(1)
    clock.now += 14.99
    assert t.flush() == 0
    assert t.due() is not None and t.due() < 0.02
