"""Python operators on ttnn.Tensor (a + b, a * 2, -a, a < b, ...), each one a call of its TT-NN op,
as TT-NN's own Tensor defines them. Also TT-NN's UnaryOpType / UnaryWithParam for the
`activations` of binary ops, unless a compiled family already provides them."""

import enum
import numbers

import ttnn
from ttnn._C import Tensor
from ttnn._C import ops as _ops

_SCALARS = (numbers.Number,)


def _operand(value):
    return isinstance(value, (Tensor,) + _SCALARS)


def _binary(op, reflected=False):
    def method(self, other):
        if not _operand(other):
            return NotImplemented
        return op(other, self) if reflected else op(self, other)

    method.__name__ = op.__name__
    return method


Tensor.__add__ = _binary(_ops.add)
Tensor.__radd__ = _binary(_ops.add, reflected=True)
Tensor.__sub__ = _binary(_ops.subtract)
Tensor.__rsub__ = _binary(_ops.subtract, reflected=True)
Tensor.__mul__ = _binary(_ops.multiply)
Tensor.__rmul__ = _binary(_ops.multiply, reflected=True)
Tensor.__truediv__ = _binary(_ops.divide)
Tensor.__rtruediv__ = _binary(_ops.divide, reflected=True)
Tensor.__pow__ = _binary(_ops.pow)
Tensor.__rpow__ = _binary(_ops.pow, reflected=True)
Tensor.__mod__ = _binary(_ops.remainder)
Tensor.__eq__ = _binary(_ops.eq)
Tensor.__ne__ = _binary(_ops.ne)
Tensor.__lt__ = _binary(_ops.lt)
Tensor.__le__ = _binary(_ops.le)
Tensor.__gt__ = _binary(_ops.gt)
Tensor.__ge__ = _binary(_ops.ge)
Tensor.__neg__ = lambda self: _ops.neg(self)
Tensor.__abs__ = lambda self: _ops.abs(self)
# Tensors stay hashable by identity even though == is elementwise (as torch.Tensor).
Tensor.__hash__ = object.__hash__

if not hasattr(ttnn, "UnaryOpType"):

    class UnaryOpType(enum.Enum):
        """The unary ops a binary op can fuse through `activations` (a subset of TT-NN's)."""

        RELU = "relu"
        RELU6 = "relu6"
        RELU_MAX = "relu_max"
        RELU_MIN = "relu_min"
        GELU = "gelu"
        SILU = "silu"
        SIGMOID = "sigmoid"
        HARDSIGMOID = "hardsigmoid"
        HARDSWISH = "hardswish"
        TANH = "tanh"
        EXP = "exp"
        LOG = "log"
        SQRT = "sqrt"
        RSQRT = "rsqrt"
        SQUARE = "square"
        RECIP = "recip"
        ABS = "abs"
        NEG = "neg"
        SIGN = "sign"
        ERF = "erf"
        MISH = "mish"
        SOFTSIGN = "softsign"
        LEAKY_RELU = "leaky_relu"
        ELU = "elu"
        SOFTPLUS = "softplus"
        HARDTANH = "hardtanh"

    class UnaryWithParam:
        """A unary op and its parameters: UnaryWithParam(UnaryOpType.LEAKY_RELU, 0.1)."""

        def __init__(self, op_type, params=None):
            self.op_type = op_type
            if params is None:
                params = []
            elif isinstance(params, numbers.Number):
                params = [float(params)]
            self.params = [float(p) for p in params]

        def __repr__(self):
            return f"UnaryWithParam({self.op_type}, {self.params})"

    ttnn.UnaryOpType = UnaryOpType
    ttnn.UnaryWithParam = UnaryWithParam
