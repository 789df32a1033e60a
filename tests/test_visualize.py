"""Tests of braindyn.visualize: each plot is rendered with Agg and checked for content."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402

from braindyn import visualize  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def assert_valid_png(path):
    assert path.exists(), f"{path} was not written"
    assert path.read_bytes()[:8] == PNG_SIGNATURE
    with Image.open(path) as im:
        im.verify()
    with Image.open(path) as im:
        assert im.size[0] > 100 and im.size[1] > 100


def test_line_plot_draws_the_chosen_columns(tmp_path):
    ts = np.arange(0, 10, 0.1)
    values = np.stack([np.sin(ts), np.cos(ts), ts ** 0.5], axis=1)
    ax = visualize.line_plot(ts, values, plot_ids=[0, 2], ylabel="V (mV)", legend="V")
    assert len(ax.lines) == 2
    assert np.array_equal(ax.lines[0].get_xdata(), ts)
    assert np.array_equal(ax.lines[0].get_ydata(), values[:, 0])
    assert np.array_equal(ax.lines[1].get_ydata(), values[:, 2])
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["V[0]", "V[2]"]
    assert ax.get_xlabel() == "Time (ms)" and ax.get_ylabel() == "V (mV)"
    ax.figure.savefig(tmp_path / "line.png")
    assert_valid_png(tmp_path / "line.png")


def test_line_plot_defaults():
    ts = np.linspace(0, 1, 50)
    one = visualize.line_plot(ts, np.exp(-ts))
    assert len(one.lines) == 1 and one.get_legend() is None
    many = visualize.line_plot(ts, np.random.default_rng(0).normal(size=(50, 25)))
    assert len(many.lines) == visualize.plots.MAX_DEFAULT_LINES
    with pytest.raises(ValueError, match="transpose"):
        visualize.line_plot(ts, np.zeros((3, 50)))
    with pytest.raises(ValueError, match="out of range"):
        visualize.line_plot(ts, np.zeros((50, 3)), plot_ids=[5])


def test_raster_plot_has_one_point_per_spike(tmp_path):
    rng = np.random.default_rng(1)
    ts = np.arange(0, 100, 0.1)
    spikes = rng.random((ts.size, 40)) < 0.01
    ax = visualize.raster_plot(ts, spikes)
    dots = ax.lines[0]
    assert dots.get_xdata().size == spikes.sum()
    steps, neurons = np.nonzero(spikes)
    assert np.array_equal(dots.get_xdata(), ts[steps])
    assert np.array_equal(dots.get_ydata(), neurons)
    assert ax.get_ylabel() == "Neuron index" and ax.get_xlabel() == "Time (ms)"
    ax.figure.savefig(tmp_path / "raster.png")
    assert_valid_png(tmp_path / "raster.png")


def test_raster_plot_from_spike_times_and_indices():
    times, indices = np.array([1.0, 2.5, 7.0]), np.array([3, 0, 3])
    ax = visualize.raster_plot(times=times, indices=indices)
    assert np.array_equal(ax.lines[0].get_xdata(), times)
    with pytest.raises(ValueError, match="one entry per spike"):
        visualize.raster_plot(times=times, indices=indices[:2])
    with pytest.raises(ValueError, match=r"shape \(T, N\)"):
        visualize.raster_plot(np.arange(5), np.zeros((4, 2), bool))


def test_phase_plane_figure(tmp_path):
    def fhn(V, w, t, I, a=0.7, b=0.8, tau=12.5):
        return V - V ** 3 / 3 - w + I, (V + a - b * w) / tau

    ax = visualize.phase_plane(fhn, {"V": (-3, 3), "w": (-1, 3)}, pars_update={"I": 0.0},
                               initials=[(2.0, 2.0)], duration=100.0)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "V-nullcline (dV/dt = 0)" in labels and "w-nullcline (dw/dt = 0)" in labels
    # I = 0: the fixed point is the real root of -V^3/3 - V/4 - 7/8 = 0.
    roots = np.roots([-1 / 3, 0.0, 1 - 1 / 0.8, -0.7 / 0.8])
    V_star = roots[np.abs(roots.imag) < 1e-9].real[0]
    fp = [ln for ln in ax.get_lines() if ln.get_label() == "stable focus"]
    assert len(fp) == 1 and fp[0].get_xdata()[0] == pytest.approx(V_star, abs=1e-9)
    traj = [ln for ln in ax.get_lines() if ln.get_label() == "trajectory"]
    assert traj and traj[0].get_xdata()[0] == 2.0
    assert traj[0].get_xdata()[-1] == pytest.approx(V_star, abs=0.05)
    ax.figure.savefig(tmp_path / "pp.png")
    assert_valid_png(tmp_path / "pp.png")


def moving_bump(T=20, N=50):
    x = np.linspace(-np.pi, np.pi, N)
    centres = np.linspace(-2, 2, T)
    return x, np.exp(-(x[None, :] - centres[:, None]) ** 2 / 0.2)


def test_animate_1D_frames_and_gif(tmp_path):
    x, u = moving_bump()
    path = tmp_path / "bump.gif"
    fig, ax = plt.subplots()
    anim = visualize.animate_1D(u, positions=x, ts=np.arange(20) * 0.5, frame_step=3,
                                save_path=path, ax=ax)
    expected = len(range(0, 20, 3))
    assert anim.frame_indices == list(range(0, 20, 3))
    assert path.exists()
    with Image.open(path) as im:
        assert im.format == "GIF"
        assert im.n_frames == expected
    # After saving, the last frame drawn is time step 18.
    assert np.allclose(ax.lines[0].get_ydata(), u[18])
    assert ax.get_title() == "t = 9.0 ms"


def test_animate_1D_overlays_and_errors(tmp_path):
    x, u = moving_bump()
    fig, ax = plt.subplots()
    anim = visualize.animate_1D({"rate": u, "input": 0.5 * u}, positions=x, frame_step=10,
                                ax=ax, save_path=tmp_path / "two.gif")
    assert len(ax.lines) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["rate", "input"]
    with pytest.raises(ValueError, match=r"shape \(T, N\)"):
        visualize.animate_1D(u[0])
    with pytest.raises(ValueError, match="positions"):
        visualize.animate_1D(u, positions=x[:-1])
    with pytest.raises(ValueError, match="frame_step"):
        visualize.animate_1D(u, frame_step=0)
    with pytest.raises(ValueError, match=r"\.gif or \.mp4"):
        visualize.save_animation(anim, "bump.avi")
