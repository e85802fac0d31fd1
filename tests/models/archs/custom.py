"""The original project's own small test modules (autoencoders, MNIST, U-Net carvana, MLP-Mixer)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class LinearAE(nn.Module):
    """MLP autoencoder 784-128-64-12-3-12-64-128-784, ReLU between (none after the code or output)."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
            nn.Linear(64, 12), nn.ReLU(), nn.Linear(12, 3))
        self.decoder = nn.Sequential(
            nn.Linear(3, 12), nn.ReLU(), nn.Linear(12, 64), nn.ReLU(),
            nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 784))

    def forward(self, x):
        return self.decoder(self.encoder(x))


class ConvAE(nn.Module):
    """conv3x3 1->16, ReLU, pool2, conv3x3 16->4, ReLU, pool2, convT k2s2 4->16, ReLU, convT 16->1."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2),
            nn.Conv2d(16, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, 2))
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(4, 16, 2, stride=2), nn.ReLU(), nn.ConvTranspose2d(16, 1, 2, stride=2))

    def forward(self, x):
        return self.decoder(self.encoder(x))


class MnistModel(nn.Module):
    """pytorch/examples mnist Net."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


class _DoubleConv(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__(
            nn.Conv2d(cin, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
            nn.Conv2d(cout, cout, 3, 1, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class UNetCarvana(nn.Module):
    """U-Net 64/128/256/512, bottleneck 1024, convT k2s2 + concat skip, 1x1 head, no sigmoid."""

    def __init__(self, in_channels=3, out_channels=1, features=(64, 128, 256, 512)):
        super().__init__()
        self.ups = nn.ModuleList()
        self.downs = nn.ModuleList()
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)
        for f in features:
            self.downs.append(_DoubleConv(in_channels, f))
            in_channels = f
        for f in reversed(features):
            self.ups.append(nn.ConvTranspose2d(f * 2, f, kernel_size=2, stride=2))
            self.ups.append(_DoubleConv(f * 2, f))
        self.bottleneck = _DoubleConv(features[-1], features[-1] * 2)
        self.final_conv = nn.Conv2d(features[0], out_channels, kernel_size=1)

    def forward(self, x):
        skips = []
        for down in self.downs:
            x = down(x)
            skips.append(x)
            x = self.pool(x)
        x = self.bottleneck(x)
        skips = skips[::-1]
        for idx in range(0, len(self.ups), 2):
            x = self.ups[idx](x)
            skip = skips[idx // 2]
            if x.shape != skip.shape:
                x = F.interpolate(x, size=skip.shape[2:], mode="bilinear", align_corners=False)
            x = self.ups[idx + 1](torch.cat((skip, x), dim=1))
        return self.final_conv(x)


class _PreNormResidual(nn.Module):
    def __init__(self, dim, fn):
        super().__init__()
        self.fn = fn
        self.norm = nn.LayerNorm(dim)

    def forward(self, x):
        return self.fn(self.norm(x)) + x


def _feed_forward(dim, expansion, dense):
    inner = int(dim * expansion)
    return nn.Sequential(dense(dim, inner), nn.GELU(), nn.Dropout(0.0), dense(inner, dim), nn.Dropout(0.0))


class _Conv1dK1(nn.Conv1d):
    def __init__(self, cin, cout):
        super().__init__(cin, cout, kernel_size=1)


class MLPMixer(nn.Module):
    """mlp-mixer-pytorch MLPMixer(image_size, channels, patch_size, dim, depth, num_classes): token
    MLP as Conv1d k1 over patches (expansion 4), channel MLP as Linear (expansion 0.5)."""

    def __init__(self, image_size=256, channels=3, patch_size=16, dim=512, depth=12, num_classes=1000,
                 expansion_factor=4, expansion_factor_token=0.5):
        super().__init__()
        self.p = patch_size
        num_patches = (image_size // patch_size) ** 2
        self.embed = nn.Linear(patch_size * patch_size * channels, dim)
        layers = []
        for _ in range(depth):
            layers.append(_PreNormResidual(dim, _feed_forward(num_patches, expansion_factor, _Conv1dK1)))
            layers.append(_PreNormResidual(dim, _feed_forward(dim, expansion_factor_token, nn.Linear)))
        self.layers = nn.Sequential(*layers)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, x):
        b, c, h, w = x.shape
        p = self.p
        # 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)'
        x = x.reshape(b, c, h // p, p, w // p, p).permute(0, 2, 4, 3, 5, 1).reshape(b, (h // p) * (w // p), p * p * c)
        x = self.layers(self.embed(x))
        return self.head(self.norm(x).mean(dim=1))
