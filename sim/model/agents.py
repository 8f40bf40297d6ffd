"""Mesa agents: the public face of users and workers.

Their state lives in the model's arrays (structure of arrays, vectorised per
day); an agent is a named view through its index, so AgentSet queries, the
Solara app and user code read the same numbers the simulation updates.
"""

from __future__ import annotations

import itertools
import weakref

import mesa
import numpy as np

from sim.model import dynamics, reporters


class IdCounters(weakref.WeakKeyDictionary):
    """Mesa's counters of agent ids, one per model (``Agent._ids``), holding their models weakly.

    Mesa keeps them in a class-level ``defaultdict`` keyed by the model itself, so every model
    built in a process stays alive as long as the process (a few MB and ~1,000 objects each,
    which every later garbage collection walks). Here a model's counter goes when the model does;
    ids are numbered as Mesa numbers them (from 1 per model, shared by users and workers).
    """

    def __getitem__(self, model: mesa.Model) -> itertools.count:
        counter = self.get(model)
        if counter is None:
            self[model] = counter = itertools.count(1)
        return counter


class Agent(mesa.Agent):
    """Base of the model's agents: Mesa's agent with its id counters held weakly (:class:`IdCounters`)."""

    _ids = IdCounters()


class ServiceUser(Agent):
    """An adult with severe mental illness living at home, granted SIDL."""

    def __init__(self, model: mesa.Model, idx: int) -> None:
        super().__init__(model)
        self.idx = int(idx)

    @property
    def loneliness(self) -> float:
        """Internal loneliness 0-1 (UCLA-3 = 3 + 6 x loneliness)."""
        return float(self.model.users_state.loneliness[self.idx])

    @property
    def ucla3(self) -> float:
        return float(reporters.ucla3(self.loneliness))

    @property
    def wellbeing(self) -> float:
        """Internal wellbeing 0-1 (WEMWBS = 14 + 56 x wellbeing)."""
        return float(self.model.users_state.wellbeing[self.idx])

    @property
    def wemwbs(self) -> float:
        return float(reporters.wemwbs(self.wellbeing))

    @property
    def self_efficacy(self) -> float:
        return float(self.model.users_state.self_efficacy[self.idx])

    @property
    def courage(self) -> float:
        return float(self.model.users_state.courage[self.idx])

    @property
    def alliance(self) -> float:
        return float(self.model.users_state.alliance[self.idx])

    @property
    def active_ties(self) -> int:
        s = self.model.users_state
        ties = s.tie_strength[s.tie_start[self.idx] : s.tie_start[self.idx + 1]]
        return int((ties >= self.model.params.network.active_threshold).sum())

    @property
    def landscape(self) -> list[str]:
        from sim.world.places import PLACE_NAMES

        return [PLACE_NAMES[i] for i in np.flatnonzero(self.model.users_state.landscape[self.idx, 1:]) + 1]

    @property
    def regular_worker(self) -> SupportWorker:
        return self.model.worker_in_slot(int(self.model.assessment.regular[self.idx]))

    @property
    def brave(self) -> bool:
        return bool(dynamics.brave(self.model.users_state, self.model.params)[self.idx])


class SupportWorker(Agent):
    """A support worker holding one slot of the staff; a leaver's slot gets a new worker."""

    def __init__(self, model: mesa.Model, slot: int) -> None:
        super().__init__(model)
        self.slot = int(slot)

    @property
    def caseload(self) -> int:
        """Users whose regular worker holds this slot."""
        return int((self.model.assessment.regular == self.slot).sum())
