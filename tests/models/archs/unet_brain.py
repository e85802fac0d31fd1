"""mateuszbuda/brain-segmentation-pytorch `unet` (init_features 32), from the published layer spec."""
from collections import OrderedDict

import torch
import torch.nn as nn


def _block(cin, features, name):
    return nn.Sequential(OrderedDict([
        (name + "conv1", nn.Conv2d(cin, features, 3, padding=1, bias=False)),
        (name + "norm1", nn.BatchNorm2d(features)),
        (name + "relu1", nn.ReLU(inplace=True)),
        (name + "conv2", nn.Conv2d(features, features, 3, padding=1, bias=False)),
        (name + "norm2", nn.BatchNorm2d(features)),
        (name + "relu2", nn.ReLU(inplace=True)),
    ]))


class UNet(nn.Module):
    def __init__(self, in_channels=3, out_channels=1, init_features=32):
        super().__init__()
        f = init_features
        self.encoder1 = _block(in_channels, f, "enc1")
        self.pool1 = nn.MaxPool2d(2, 2)
        self.encoder2 = _block(f, f * 2, "enc2")
        self.pool2 = nn.MaxPool2d(2, 2)
        self.encoder3 = _block(f * 2, f * 4, "enc3")
        self.pool3 = nn.MaxPool2d(2, 2)
        self.encoder4 = _block(f * 4, f * 8, "enc4")
        self.pool4 = nn.MaxPool2d(2, 2)
        self.bottleneck = _block(f * 8, f * 16, "bottleneck")
        self.upconv4 = nn.ConvTranspose2d(f * 16, f * 8, 2, stride=2)
        self.decoder4 = _block(f * 16, f * 8, "dec4")
        self.upconv3 = nn.ConvTranspose2d(f * 8, f * 4, 2, stride=2)
        self.decoder3 = _block(f * 8, f * 4, "dec3")
        self.upconv2 = nn.ConvTranspose2d(f * 4, f * 2, 2, stride=2)
        self.decoder2 = _block(f * 4, f * 2, "dec2")
        self.upconv1 = nn.ConvTranspose2d(f * 2, f, 2, stride=2)
        self.decoder1 = _block(f * 2, f, "dec1")
        self.conv = nn.Conv2d(f, out_channels, 1)

    def forward(self, x):
        enc1 = self.encoder1(x)
        enc2 = self.encoder2(self.pool1(enc1))
        enc3 = self.encoder3(self.pool2(enc2))
        enc4 = self.encoder4(self.pool3(enc3))
        b = self.bottleneck(self.pool4(enc4))
        d4 = self.decoder4(torch.cat((self.upconv4(b), enc4), dim=1))
        d3 = self.decoder3(torch.cat((self.upconv3(d4), enc3), dim=1))
        d2 = self.decoder2(torch.cat((self.upconv2(d3), enc2), dim=1))
        d1 = self.decoder1(torch.cat((self.upconv1(d2), enc1), dim=1))
        return torch.sigmoid(self.conv(d1))
