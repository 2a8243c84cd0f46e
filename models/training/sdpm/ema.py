"""EMA of the network weights, reimplementing ema_pytorch's behaviour as the authors used it
(`EMA(model, beta=0.995, update_every=10)`, library defaults update_after_step=100, inv_gamma=1,
power=2/3, min_value=0):
- `update()` is called every training step and counts calls; it acts only when count % update_every == 0;
- up to update_after_step it copies the online weights;
- afterwards it lerps with decay = clamp(1 - (1 + epoch/inv_gamma)^-power, min_value, beta),
  epoch = count - update_after_step - 1 (so the decay ramps up to 0.995 over ~2.8k steps);
- buffers are copied."""
from __future__ import annotations

import copy
from typing import Any, Dict

import torch
from torch import nn


class Ema:
    def __init__(self, model: nn.Module, beta: float = 0.995, update_every: int = 10, update_after_step: int = 100,
                 inv_gamma: float = 1.0, power: float = 2 / 3, min_value: float = 0.0) -> None:
        self.model = copy.deepcopy(model).eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        self.beta, self.update_every, self.update_after_step = beta, update_every, update_after_step
        self.inv_gamma, self.power, self.min_value = inv_gamma, power, min_value
        self.step = 0

    def current_decay(self) -> float:
        epoch = max(self.step - self.update_after_step - 1, 0)
        if epoch <= 0:
            return 0.0
        value = 1 - (1 + epoch / self.inv_gamma) ** -self.power
        return min(max(value, self.min_value), self.beta)

    @torch.no_grad()
    def update(self, online: nn.Module) -> None:
        step = self.step
        self.step += 1
        if step % self.update_every != 0:
            return
        if step <= self.update_after_step:
            self.model.load_state_dict(online.state_dict())
            return
        decay = self.current_decay()
        for ma, cur in zip(self.model.parameters(), online.parameters()):
            ma.lerp_(cur.detach(), 1 - decay)
        for mb, cb in zip(self.model.buffers(), online.buffers()):
            mb.copy_(cb)

    def state_dict(self) -> Dict[str, Any]:
        return {"model": self.model.state_dict(), "step": self.step}

    def load_state_dict(self, sd: Dict[str, Any]) -> None:
        self.model.load_state_dict(sd["model"])
        self.step = int(sd["step"])
