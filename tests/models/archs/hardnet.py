"""HarDNet-68 (PingoLH/Pytorch-HarDNet `hardnet68`), written from the published layer spec."""
import torch
import torch.nn as nn


class ConvLayer(nn.Sequential):
    def __init__(self, cin, cout, kernel=3, stride=1, bias=False):
        super().__init__()
        self.add_module("conv", nn.Conv2d(cin, cout, kernel, stride, kernel // 2, bias=bias))
        self.add_module("norm", nn.BatchNorm2d(cout))
        self.add_module("relu", nn.ReLU6(True))


class HarDBlock(nn.Module):
    @staticmethod
    def get_link(layer, base_ch, growth_rate, grmul):
        if layer == 0:
            return base_ch, 0, []
        out_channels = growth_rate
        link = []
        for i in range(10):
            dv = 2 ** i
            if layer % dv == 0:
                link.append(layer - dv)
                if i > 0:
                    out_channels *= grmul
        out_channels = int(int(out_channels + 1) / 2) * 2
        in_channels = 0
        for i in link:
            ch, _, _ = HarDBlock.get_link(i, base_ch, growth_rate, grmul)
            in_channels += ch
        return out_channels, in_channels, link

    def __init__(self, in_channels, growth_rate, grmul, n_layers, keep_base=False):
        super().__init__()
        self.keep_base = keep_base
        self.links = []
        layers = []
        self.out_channels = 0
        for i in range(n_layers):
            outch, inch, link = self.get_link(i + 1, in_channels, growth_rate, grmul)
            self.links.append(link)
            layers.append(ConvLayer(inch, outch))
            if (i % 2 == 0) or (i == n_layers - 1):
                self.out_channels += outch
        self.layers = nn.ModuleList(layers)

    def forward(self, x):
        outs = [x]
        for layer, link in zip(self.layers, self.links):
            tin = [outs[i] for i in link]
            x = torch.cat(tin, 1) if len(tin) > 1 else tin[0]
            outs.append(layer(x))
        t = len(outs)
        keep = [outs[i] for i in range(t) if (i == 0 and self.keep_base) or i == t - 1 or i % 2 == 1]
        return torch.cat(keep, 1)


class HarDNet68(nn.Module):
    def __init__(self, num_classes=1000):
        super().__init__()
        first_ch = [32, 64]
        grmul = 1.7
        ch_list = [128, 256, 320, 640, 1024]
        gr = [14, 16, 20, 40, 160]
        n_layers = [8, 16, 16, 16, 4]
        down = [1, 0, 1, 1, 0]
        base = [ConvLayer(3, first_ch[0], kernel=3, stride=2), ConvLayer(first_ch[0], first_ch[1], kernel=3),
                nn.MaxPool2d(kernel_size=3, stride=2, padding=1)]
        ch = first_ch[1]
        for i in range(len(n_layers)):
            blk = HarDBlock(ch, gr[i], grmul, n_layers[i])
            base.append(blk)
            base.append(ConvLayer(blk.out_channels, ch_list[i], kernel=1))
            ch = ch_list[i]
            if down[i]:
                base.append(nn.MaxPool2d(kernel_size=2, stride=2))
        base.append(nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Dropout(0.1),
                                  nn.Linear(ch, num_classes)))
        self.base = nn.ModuleList(base)

    def forward(self, x):
        for layer in self.base:
            x = layer(x)
        return x
