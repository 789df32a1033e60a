"""Ready-made models (``braindyn.models``), each readable as a worked example.

See ``README.md`` in this folder for what lives in which module.
"""
from . import hodgkin_huxley
from .channels import IK, IL, INa, CalciumDecay, Channel, CondNeuGroup, ICaN, ICaT, Ih
from .delivery import SpikeDelay, pre2post_sum
from .gap_junction import GapJunction
from .hodgkin_huxley import hh_derivatives
from .learning import BCM, STDP, Oja
from .networks import CANN1D, EINet
from .neurons_conductance import HH, MorrisLecar
from .neurons_input import PoissonGroup, SpikeInput, SpikeTimeGroup
from .neurons_integrate_fire import GIF, LIF, AdExIF, ExpIF, QuaIF
from .neurons_izhikevich import CELL_TYPES, Izhikevich, ResonateFire
from .neurons_rate import LinearRate, WilsonCowan
from .neurons_reduced import FitzHughNagumo, HindmarshRose
from .pinsky_rinzel import PinskyRinzel
from .reservoirs import EchoStateNetwork, LiquidStateMachine
from .synapses import Alpha, DualExponential, Exponential, Synapse, VoltageJump
from .synapses_kinetic import AMPA, NMDA, GABAa, GABAb, mg_block
from .synapses_stp import STP, STP_DEPRESSION, STP_FACILITATION

__all__ = [
    "hodgkin_huxley", "hh_derivatives",
    # neurons
    "HH", "MorrisLecar", "LIF", "QuaIF", "ExpIF", "AdExIF", "GIF", "Izhikevich", "CELL_TYPES",
    "ResonateFire", "FitzHughNagumo", "HindmarshRose", "WilsonCowan", "LinearRate",
    "PinskyRinzel",
    "SpikeTimeGroup", "SpikeInput", "PoissonGroup",
    # channels
    "CondNeuGroup", "Channel", "INa", "IK", "IL", "ICaT", "ICaN", "Ih", "CalciumDecay",
    # synapses
    "Synapse", "Exponential", "DualExponential", "Alpha", "VoltageJump", "AMPA", "GABAa",
    "GABAb", "NMDA", "mg_block", "STP", "STP_FACILITATION", "STP_DEPRESSION",
    "SpikeDelay", "pre2post_sum", "GapJunction",
    # networks
    "EINet", "CANN1D", "EchoStateNetwork", "LiquidStateMachine",
    # learning
    "STDP", "Oja", "BCM",
]
