"""Stored f-I data of the HH reference (generated; do not edit).

Regenerate with ``python -m braindyn.homework.reference``: scipy DOP853,
rtol = atol = 1e-10, the protocol of reference.py (spikes in
[100, 500) ms from the initial state, rate in Hz).
"""
CURRENTS = (  # uA/cm^2
    0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7, 7.5, 8, 8.5, 9, 9.5, 10,
    10.5, 11, 11.5, 12, 12.5, 13, 13.5, 14, 14.5, 15, 15.5, 16, 16.5, 17, 17.5, 18,
    18.5, 19, 19.5, 20,
)
RATES = (  # Hz
    0, 0, 0, 0, 0, 0, 0, 45, 50, 52.5, 55, 57.5, 60, 60, 62.5, 62.5, 65, 67.5, 70, 70,
    70, 70, 72.5, 72.5, 75, 77.5, 77.5, 80, 80, 80, 80, 80, 82.5, 82.5, 85, 85, 85,
    87.5, 87.5, 87.5, 90,
)
THRESHOLD = 3.3994   # uA/cm^2: the smallest current with repetitive firing
