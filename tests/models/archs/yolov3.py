"""YOLOv3 (Darknet-53 + 3 heads, holli_src layout), from the published layer spec. Raw maps out."""
import torch
import torch.nn as nn


class ConvBN(nn.Sequential):
    def __init__(self, cin, cout, k, stride=1):
        super().__init__(nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, bias=False),
                         nn.BatchNorm2d(cout, momentum=0.01), nn.LeakyReLU(0.1))


class DarknetBlock(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.conv1 = ConvBN(ch, ch // 2, 1)
        self.conv2 = ConvBN(ch // 2, ch, 3)

    def forward(self, x):
        return self.conv2(self.conv1(x)) + x


class Darknet53(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = ConvBN(3, 32, 3)
        chans = [64, 128, 256, 512, 1024]
        blocks = [1, 2, 8, 8, 4]
        stages = []
        cin = 32
        for c, n in zip(chans, blocks):
            stages.append(nn.Sequential(ConvBN(cin, c, 3, stride=2), *[DarknetBlock(c) for _ in range(n)]))
            cin = c
        self.stages = nn.ModuleList(stages)

    def forward(self, x):
        x = self.conv(x)
        outs = []
        for s in self.stages:
            x = s(x)
            outs.append(x)
        return outs[2], outs[3], outs[4]


def _five(cin, c):
    return nn.Sequential(ConvBN(cin, c, 1), ConvBN(c, c * 2, 3), ConvBN(c * 2, c, 1), ConvBN(c, c * 2, 3),
                         ConvBN(c * 2, c, 1))


class Yolov3(nn.Module):
    def __init__(self, num_classes=80):
        super().__init__()
        no = 3 * (5 + num_classes)
        self.backbone = Darknet53()
        up = lambda cin, c: nn.Sequential(ConvBN(cin, c, 1), nn.Upsample(scale_factor=2, mode="nearest"))
        self.conv5 = _five(1024, 512)
        self.conv5_out = nn.Sequential(ConvBN(512, 1024, 3), nn.Conv2d(1024, no, 1))
        self.conv5_up = up(512, 256)
        self.conv4 = _five(768, 256)
        self.conv4_out = nn.Sequential(ConvBN(256, 512, 3), nn.Conv2d(512, no, 1))
        self.conv4_up = up(256, 128)
        self.conv3 = _five(384, 128)
        self.conv3_out = nn.Sequential(ConvBN(128, 256, 3), nn.Conv2d(256, no, 1))

    def forward(self, x):
        x3, x4, x5 = self.backbone(x)
        x5 = self.conv5(x5)
        out5 = self.conv5_out(x5)
        x4 = self.conv4(torch.cat([self.conv5_up(x5), x4], 1))
        out4 = self.conv4_out(x4)
        x3 = self.conv3(torch.cat([self.conv4_up(x4), x3], 1))
        out3 = self.conv3_out(x3)
        return out5, out4, out3
