"""``bm.fft``: the ``numpy.fft`` functions on the current backend."""
from . import functions as _functions

NAMES = ("fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2",
         "rfftn", "irfftn", "hfft", "ihfft", "fftfreq", "rfftfreq", "fftshift", "ifftshift")


def __getattr__(name):
    if name not in NAMES:
        raise AttributeError(f"braindyn.math.fft has no function {name!r}; "
                             f"available: {', '.join(NAMES)}")
    return _functions.lookup(name, "fft")


def __dir__():
    return list(NAMES)
