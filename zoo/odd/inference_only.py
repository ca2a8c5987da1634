"""Odd script: inference only. A model is built (as if loaded from a checkpoint), put in eval mode and
run under ``torch.inference_mode()``: no loss, no backward, no optimizer.

Exercises: nndoctor saying clearly, in a note, that there was no training to diagnose (the exit
status stays the script's), with its report written and no internal error.
"""
# note: inference only
import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 3))
model.eval()
with torch.inference_mode():
    for _ in range(20):
        predictions = model(torch.randn(64, 8)).argmax(dim=1)
print("predicted classes:", predictions.bincount(minlength=3).tolist())
