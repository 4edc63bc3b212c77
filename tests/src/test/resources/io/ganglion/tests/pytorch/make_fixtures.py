"""Makes the PyTorch reference values that PyTorchReferenceTest compares Ganglion with.

Run from this directory with torch installed (tested with torch 1.13, CPU):
    /usr/bin/python3 make_fixtures.py
It rewrites the *.txt files next to it. The networks mirror tests/Networks.java; every tensor and
input is given by a formula that the Java test computes too, so no weights need to be exported:
    tensor t (state_dict order), element e (PyTorch order): 0.8 * sin(0.7 * e + 1.3 * t + 0.1)
    running_var: 0.5 + 0.25 * (1 + sin(0.7 * e + 1.3 * t + 0.1))
    input k (flat over the batch, NCHW):                    cos(0.37 * k + 0.2)
Each file holds lines "<name> <values...>": the outputs (softmax probabilities for the
cross-entropy networks, as Model.predictBatch returns them), and for training, the mean loss and
the gradient of every parameter, in PyTorch order.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def fill(model):
    with torch.no_grad():
        for t, (name, tensor) in enumerate(model.state_dict().items()):
            flat = tensor.view(-1)
            if name.endswith("num_batches_tracked"):
                continue
            for e in range(flat.numel()):
                v = math.sin(0.7 * e + 1.3 * t + 0.1)
                flat[e] = 0.5 + 0.25 * (1 + v) if name.endswith("running_var") else 0.8 * v


def inputs(batch, shape):
    n = batch
    for d in shape:
        n *= d
    return torch.tensor([math.cos(0.37 * k + 0.2) for k in range(n)]).view(batch, *shape)


class ConvValidMaxPool(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 5, 3)
        self.pool1 = nn.MaxPool2d(3, 2)
        self.conv2 = nn.Conv2d(5, 6, 2, padding="same")
        self.logits = nn.Linear(54, 4)

    def forward(self, x):
        x = self.pool1(torch.tanh(self.conv1(x)))
        x = torch.sigmoid(self.conv2(x))
        return self.logits(torch.flatten(x, 1))


class ConvStridedAvgPool(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, stride=2, bias=False)
        self.conv2 = nn.Conv2d(4, 7, 3, padding="same")
        self.pool = nn.AvgPool2d(2)
        self.out = nn.Linear(28, 3)

    def forward(self, x):
        x = F.leaky_relu(self.conv1(x), 0.01)
        x = self.pool(torch.tanh(self.conv2(x)))
        return self.out(torch.flatten(x, 1))


class FlooredStrides(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2)
        self.pool1 = nn.MaxPool2d(2)
        self.pool2 = nn.AvgPool2d(2)
        self.logits = nn.Linear(8, 3)

    def forward(self, x):
        x = self.pool2(self.pool1(F.relu(self.conv(x))))
        return self.logits(torch.flatten(x, 1))


class SameLargeKernels(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 8, 5, padding="same")
        self.conv2 = nn.Conv2d(8, 4, 6, padding="same")
        self.out = nn.Linear(48, 2)

    def forward(self, x):
        x = self.conv2(torch.tanh(self.conv1(x)))
        return self.out(torch.flatten(x, 1))


class PaddedStrides(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 4, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(4, 3, 2, stride=2, padding=1)
        self.conv3 = nn.Conv2d(3, 2, 3, padding=2)
        self.out = nn.Linear(40, 3)

    def forward(self, x):
        x = self.conv3(self.conv2(F.relu(self.conv1(x))))
        return self.out(torch.flatten(x, 1))


class PaddedPools(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 4, 3, padding=1)
        self.out = nn.Linear(36, 3)

    def forward(self, x):
        x = torch.tanh(self.conv1(x))
        x = F.max_pool2d(x, 3, stride=2, padding=1)
        x = F.avg_pool2d(x, 2, stride=1, padding=1)
        x = F.max_pool2d(x, 2, padding=1)
        return self.out(torch.flatten(x, 1))


def same_pads(size, kernel, stride):
    """Keras's padding='same': (before, after), the odd one after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def same_pool(x, kernel, stride, kind):
    """Keras's MaxPooling2D / AveragePooling2D with padding='same'."""
    top, bottom = same_pads(x.shape[2], kernel, stride)
    left, right = same_pads(x.shape[3], kernel, stride)
    pads = (left, right, top, bottom)
    if kind == "max":
        return F.max_pool2d(F.pad(x, pads, value=-math.inf), kernel, stride)
    total = F.avg_pool2d(F.pad(x, pads), kernel, stride)
    inside = F.avg_pool2d(F.pad(torch.ones_like(x), pads), kernel, stride)
    return total / inside


class SamePools(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 4, 3, padding=1)
        self.out = nn.Linear(4, 3)

    def forward(self, x):
        x = torch.tanh(self.conv1(x))
        x = same_pool(x, 3, 2, "max")
        x = same_pool(x, 2, 1, "avg")
        x = same_pool(x, 3, 2, "avg")
        x = same_pool(x, 2, 2, "max")
        return self.out(torch.flatten(x, 1))


class SameStrides(nn.Module):
    """Keras's padding='same' with strides: F.pad(left, right, top, bottom), the odd one last."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 4, 3, stride=2)
        self.conv2 = nn.Conv2d(4, 3, 4, stride=2)
        self.conv3 = nn.Conv2d(3, 2, 5)
        self.out = nn.Linear(8, 3)

    def forward(self, x):
        x = F.relu(self.conv1(F.pad(x, (0, 1, 1, 1))))   # 7x6 -> 4x3
        x = self.conv2(F.pad(x, (1, 2, 1, 1)))           # 4x3 -> 2x2
        x = self.conv3(F.pad(x, (2, 2, 2, 2)))           # 2x2 -> 2x2
        return self.out(torch.flatten(x, 1))


class BatchNormFirst(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.BatchNorm1d(5)
        self.hidden = nn.Linear(5, 4)
        self.out = nn.Linear(4, 2)

    def forward(self, x):
        return self.out(torch.tanh(self.hidden(self.norm(x))))


class NonAffineNorms(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, bias=False)
        self.norm1 = nn.BatchNorm2d(4, affine=False)
        self.hidden = nn.Linear(64, 6, bias=False)
        self.norm2 = nn.BatchNorm1d(6, affine=False, momentum=0.3)
        self.logits = nn.Linear(6, 3)

    def forward(self, x):
        x = F.relu(self.norm1(self.conv(x)))
        return self.logits(F.silu(self.norm2(self.hidden(torch.flatten(x, 1)))))


class NonAffineFirst(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = nn.BatchNorm1d(5, affine=False)
        self.hidden = nn.Linear(5, 4)
        self.out = nn.Linear(4, 2)

    def forward(self, x):
        return self.out(torch.tanh(self.hidden(self.norm(x))))


class CumulativeNorms(nn.Module):
    """Running statistics as the plain average of the batches' (momentum=None)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 3)
        self.norm1 = nn.BatchNorm2d(3, momentum=None)
        self.hidden = nn.Linear(12, 5)
        self.norm2 = nn.BatchNorm1d(5, momentum=None, affine=False)
        self.out = nn.Linear(5, 2)

    def forward(self, x):
        x = F.relu(self.norm1(self.conv(x)))
        return self.out(self.norm2(self.hidden(torch.flatten(x, 1))))


class DropoutBatchNorm(nn.Module):
    """Inference only: dropout is the identity, batch norm uses the running statistics."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding="same", bias=False)
        self.norm1 = nn.BatchNorm2d(4)
        self.pool = nn.MaxPool2d(2)
        self.hidden = nn.Linear(36, 8)
        self.norm2 = nn.BatchNorm1d(8)
        self.logits = nn.Linear(8, 3)

    def forward(self, x):
        x = self.pool(self.norm1(self.conv(x)))
        return self.logits(self.norm2(torch.tanh(self.hidden(torch.flatten(x, 1)))))


class BatchNormActivations(nn.Module):
    """PyTorch's usual order: the activation after the norm (conv -> BatchNorm2d -> ReLU)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, bias=False)
        self.norm1 = nn.BatchNorm2d(4)
        self.hidden = nn.Linear(64, 6, bias=False)
        self.norm2 = nn.BatchNorm1d(6)
        self.logits = nn.Linear(6, 3)

    def forward(self, x):
        x = F.relu(self.norm1(self.conv(x)))
        return self.logits(torch.tanh(self.norm2(self.hidden(torch.flatten(x, 1)))))


class SmoothActivations(nn.Module):
    def __init__(self):
        super().__init__()
        self.elu = nn.Linear(5, 6)
        self.selu = nn.Linear(6, 5)
        self.out = nn.Linear(5, 3)

    def forward(self, x):
        x = F.selu(self.selu(F.elu(self.elu(x))))
        return F.softplus(self.out(x))


class ConvSmoothActivations(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 3, 3)
        self.conv2 = nn.Conv2d(3, 4, 2, bias=False)
        self.norm1 = nn.BatchNorm2d(4)
        self.hidden = nn.Linear(36, 6, bias=False)
        self.norm2 = nn.BatchNorm1d(6)
        self.logits = nn.Linear(6, 3)

    def forward(self, x):
        x = F.selu(self.norm1(self.conv2(F.elu(self.conv1(x)))))
        return self.logits(F.softplus(self.norm2(self.hidden(torch.flatten(x, 1)))))


class InputDerivatives(nn.Module):
    def __init__(self):
        super().__init__()
        self.gelu = nn.Linear(5, 6)
        self.silu = nn.Linear(6, 5)
        self.out = nn.Linear(5, 3)

    def forward(self, x):
        x = F.silu(self.silu(F.gelu(self.gelu(x))))
        return F.silu(self.out(x))


class ConvInputDerivatives(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(2, 3, 3)
        self.conv2 = nn.Conv2d(3, 4, 2, bias=False)
        self.norm1 = nn.BatchNorm2d(4)
        self.hidden = nn.Linear(36, 6, bias=False)
        self.norm2 = nn.BatchNorm1d(6)
        self.logits = nn.Linear(6, 3)

    def forward(self, x):
        x = F.silu(self.norm1(self.conv2(F.gelu(self.conv1(x)))))
        return self.logits(F.gelu(self.norm2(self.hidden(torch.flatten(x, 1)))))


def line(name, values):
    return name + " " + " ".join(repr(float(v)) for v in values.reshape(-1).tolist())


def write(file, model, shape, batch, loss, labels=None):
    fill(model)
    x = inputs(batch, shape)
    lines = []
    model.eval()
    with torch.no_grad():
        y = model(x)
        lines.append(line("output", torch.softmax(y, 1) if loss == "ce" else y))
    if labels is not None:
        model.train()
        y = model(x)
        if loss == "ce":
            value = F.cross_entropy(y, torch.tensor(labels))
        else:
            targets = torch.tensor([0.1 * (k % 7) for k in range(y.numel())]).view_as(y)
            value = F.mse_loss(y, targets)
        value.backward()
        lines.append(line("loss", value.detach()))
        for name, p in model.named_parameters():
            lines.append(line(name + ".grad", p.grad))
        for name, b in model.named_buffers():
            if not name.endswith("num_batches_tracked"):
                lines.append(line(name + ".after", b))
    with open(file, "w") as f:
        f.write("\n".join(lines) + "\n")


def write_steps(file, model, shape, batch, steps):
    """The buffers after each of `steps` training passes over consecutive batches of the inputs
    (batch s holds inputs s * batch ... of the formula), as lines "<name>.after<s + 1>"."""
    fill(model)
    x = inputs(steps * batch, shape)
    lines = []
    model.train()
    with torch.no_grad():
        for s in range(steps):
            model(x[s * batch:(s + 1) * batch])
            for name, b in model.named_buffers():
                lines.append(line(name + ".after" + str(s + 1), b))
    with open(file, "w") as f:
        f.write("\n".join(lines) + "\n")


torch.manual_seed(0)
write("ConvValidMaxPool.txt", ConvValidMaxPool(), (2, 9, 9), 3, "ce", [1, 3, 0])
write("ConvStridedAvgPool.txt", ConvStridedAvgPool(), (3, 9, 9), 2, "mse", [])
write("BatchNormFirst.txt", BatchNormFirst(), (5,), 4, "mse", [])
write("DropoutBatchNorm.txt", DropoutBatchNorm(), (2, 6, 6), 2, "ce")
write("FlooredStrides.txt", FlooredStrides(), (3, 13, 12), 3, "ce", [2, 0, 1])
write("SameLargeKernels.txt", SameLargeKernels(), (2, 3, 4), 3, "mse", [])
write("PaddedStrides.txt", PaddedStrides(), (2, 7, 6), 3, "ce", [2, 0, 1])
write("SameStrides.txt", SameStrides(), (2, 7, 6), 3, "ce", [1, 2, 0])
write("PaddedPools.txt", PaddedPools(), (2, 7, 6), 3, "ce", [0, 2, 1])
write("SamePools.txt", SamePools(), (2, 7, 6), 3, "ce", [1, 0, 2])
write("BatchNormActivations.txt", BatchNormActivations(), (2, 6, 6), 4, "ce", [0, 2, 1, 2])
write("SmoothActivations.txt", SmoothActivations(), (5,), 4, "mse", [])
write("ConvSmoothActivations.txt", ConvSmoothActivations(), (2, 6, 6), 4, "ce", [2, 0, 1, 1])
write("InputDerivatives.txt", InputDerivatives(), (5,), 4, "mse", [])
write("ConvInputDerivatives.txt", ConvInputDerivatives(), (2, 6, 6), 4, "ce", [1, 2, 0, 2])
write("NonAffineNorms.txt", NonAffineNorms(), (2, 6, 6), 4, "ce", [2, 1, 0, 2])
write("NonAffineFirst.txt", NonAffineFirst(), (5,), 4, "mse", [])
write_steps("CumulativeNorms.txt", CumulativeNorms(), (2, 4, 4), 3, 3)
