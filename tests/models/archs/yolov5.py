"""YOLOv5s v7 (ultralytics/yolov5 `yolov5s`, autoshape=False): depth .33, width .5, conv-BN-SiLU,
C3 / SPPF / PAN, Detect with grid decoding in eval. Written from the published model yaml."""
import torch
import torch.nn as nn


class Conv(nn.Module):
    def __init__(self, c1, c2, k=1, s=1, p=None):
        super().__init__()
        self.conv = nn.Conv2d(c1, c2, k, s, k // 2 if p is None else p, bias=False)
        self.bn = nn.BatchNorm2d(c2, eps=1e-3, momentum=0.03)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c1, c2, shortcut=True):
        super().__init__()
        self.cv1 = Conv(c1, c2, 1)
        self.cv2 = Conv(c2, c2, 3)
        self.add = shortcut and c1 == c2

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C3(nn.Module):
    def __init__(self, c1, c2, n=1, shortcut=True):
        super().__init__()
        c_ = c2 // 2
        self.cv1 = Conv(c1, c_, 1)
        self.cv2 = Conv(c1, c_, 1)
        self.cv3 = Conv(2 * c_, c2, 1)
        self.m = nn.Sequential(*[Bottleneck(c_, c_, shortcut) for _ in range(n)])

    def forward(self, x):
        return self.cv3(torch.cat((self.m(self.cv1(x)), self.cv2(x)), 1))


class SPPF(nn.Module):
    def __init__(self, c1, c2, k=5):
        super().__init__()
        c_ = c1 // 2
        self.cv1 = Conv(c1, c_, 1)
        self.cv2 = Conv(c_ * 4, c2, 1)
        self.m = nn.MaxPool2d(k, 1, k // 2)

    def forward(self, x):
        x = self.cv1(x)
        y1 = self.m(x)
        y2 = self.m(y1)
        return self.cv2(torch.cat((x, y1, y2, self.m(y2)), 1))


class Detect(nn.Module):
    def __init__(self, nc=80, ch=(128, 256, 512)):
        super().__init__()
        self.nc, self.no, self.nl, self.na = nc, nc + 5, 3, 3
        anchors = torch.tensor([[10, 13, 16, 30, 33, 23], [30, 61, 62, 45, 59, 119],
                                [116, 90, 156, 198, 373, 326]], dtype=torch.float32).view(3, 3, 2)
        self.register_buffer("anchors", anchors)  # in pixels
        self.stride = (8, 16, 32)
        self.m = nn.ModuleList(nn.Conv2d(c, self.no * self.na, 1) for c in ch)

    def forward(self, xs):
        z, outs = [], []
        for i in range(self.nl):
            x = self.m[i](xs[i])
            bs, _, ny, nx = x.shape
            x = x.view(bs, self.na, self.no, ny, nx).permute(0, 1, 3, 4, 2).contiguous()
            outs.append(x)
            yv, xv = torch.meshgrid(torch.arange(ny, dtype=x.dtype), torch.arange(nx, dtype=x.dtype), indexing="ij")
            grid = torch.stack((xv, yv), 2).expand(1, self.na, ny, nx, 2) - 0.5
            anchor_grid = self.anchors[i].to(x.dtype).view(1, self.na, 1, 1, 2).expand(1, self.na, ny, nx, 2)
            xy, wh, conf = x.sigmoid().split((2, 2, self.nc + 1), 4)
            xy = (xy * 2 + grid) * self.stride[i]
            wh = (wh * 2) ** 2 * anchor_grid
            z.append(torch.cat((xy, wh, conf), 4).view(bs, self.na * nx * ny, self.no))
        return torch.cat(z, 1), outs


class YOLOv5s(nn.Module):
    def __init__(self, nc=80):
        super().__init__()
        self.b0 = Conv(3, 32, 6, 2, 2)
        self.b1 = Conv(32, 64, 3, 2)
        self.b2 = C3(64, 64, 1)
        self.b3 = Conv(64, 128, 3, 2)
        self.b4 = C3(128, 128, 2)
        self.b5 = Conv(128, 256, 3, 2)
        self.b6 = C3(256, 256, 3)
        self.b7 = Conv(256, 512, 3, 2)
        self.b8 = C3(512, 512, 1)
        self.b9 = SPPF(512, 512, 5)
        self.h10 = Conv(512, 256, 1, 1)
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.h13 = C3(512, 256, 1, False)
        self.h14 = Conv(256, 128, 1, 1)
        self.h17 = C3(256, 128, 1, False)
        self.h18 = Conv(128, 128, 3, 2)
        self.h20 = C3(256, 256, 1, False)
        self.h21 = Conv(256, 256, 3, 2)
        self.h23 = C3(512, 512, 1, False)
        self.detect = Detect(nc, (128, 256, 512))

    def forward(self, x):
        x = self.b3(self.b2(self.b1(self.b0(x))))
        p4 = self.b4(x)
        p6 = self.b6(self.b5(p4))
        x = self.b9(self.b8(self.b7(p6)))
        h10 = self.h10(x)
        h14 = self.h14(self.h13(torch.cat((self.up(h10), p6), 1)))
        p3 = self.h17(torch.cat((self.up(h14), p4), 1))
        p4o = self.h20(torch.cat((self.h18(p3), h14), 1))
        p5o = self.h23(torch.cat((self.h21(p4o), h10), 1))
        return self.detect([p3, p4o, p5o])
