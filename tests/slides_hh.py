"""The slides' HH code, unchanged apart from the import line (lecture 003)."""
import braindyn as bp
import braindyn.math as bm


class HHEuler(bp.NeuGroup):
    def __init__(self, size, ENa=50., gNa=120., EK=-77., gK=36., EL=-54.387,
                 gL=0.03, V_th=20., C=1.0, **kwargs):
        # 初始化父类
        super(HHEuler, self).__init__(size=size, **kwargs)

        # 定义神经元参数
        self.ENa = ENa
        self.EK = EK
        self.EL = EL
        self.gNa = gNa
        self.gK = gK
        self.gL = gL
        self.C = C
        self.V_th = V_th

        # 定义神经元变量
        self.V = bm.Variable(-65. * bm.ones(self.num))  # 膜电位
        self.m = bm.Variable(0.5 * bm.ones(self.num))  # 离子通道m
        self.h = bm.Variable(0.6 * bm.ones(self.num))  # 离子通道h
        self.n = bm.Variable(0.32 * bm.ones(self.num))  # 离子通道n
        self.input = bm.Variable(bm.zeros(self.num))  # 神经元接收到的输入电流
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))  # 神经元的发放状态
        self.t_last_spike = bm.Variable(bm.ones(self.num) * -1e7)  # 神经元上次发放的时刻

    def update(self, _t, _dt, **kwargs):
        V, m, h, n = self.V, self.m, self.h, self.n

        alpha = 0.1 * (V + 40) / (1 - bm.exp(-(V + 40) / 10))
        beta = 4.0 * bm.exp(-(V + 65) / 18)
        dmdt = alpha * (1 - m) - beta * m
        self.m += dmdt * _dt

        alpha = 0.07 * bm.exp(-(V + 65) / 20.)
        beta = 1 / (1 + bm.exp(-(V + 35) / 10))
        dhdt = alpha * (1 - h) - beta * h
        self.h += dhdt * _dt

        alpha = 0.01 * (V + 55) / (1 - bm.exp(-(V + 55) / 10))
        beta = 0.125 * bm.exp(-(V + 65) / 80)
        dndt = alpha * (1 - n) - beta * n
        self.n += dndt * _dt

        I_Na = (self.gNa * m ** 3.0 * h) * (V - self.ENa)
        I_K = (self.gK * n ** 4.0) * (V - self.EK)
        I_leak = self.gL * (V - self.EL)
        dVdt = (- I_Na - I_K - I_leak + self.input) / self.C
        V = self.V + dVdt * _dt

        self.spike[:] = bm.logical_and(self.V < self.V_th, V >= self.V_th)
        self.t_last_spike[:] = bm.where(self.spike, _t, self.t_last_spike)
        self.V[:] = V
        self.input[:] = 0.  # 重置神经元接收到的输入


class HH(bp.NeuGroup):
    def __init__(self, size, ENa=50., gNa=120., EK=-77., gK=36., EL=-54.387,
                 gL=0.03, V_th=20., C=1.0, method='exponential_euler', **kwargs):
        # 初始化父类
        super(HH, self).__init__(size=size, **kwargs)

        # 定义神经元参数
        self.ENa = ENa
        self.EK = EK
        self.EL = EL
        self.gNa = gNa
        self.gK = gK
        self.gL = gL
        self.C = C
        self.V_th = V_th

        # 定义神经元变量
        self.V = bm.Variable(-65. * bm.ones(self.num))  # 膜电位
        self.m = bm.Variable(0.5 * bm.ones(self.num))  # 离子通道m
        self.h = bm.Variable(0.6 * bm.ones(self.num))  # 离子通道h
        self.n = bm.Variable(0.32 * bm.ones(self.num))  # 离子通道n
        self.input = bm.Variable(bm.zeros(self.num))  # 神经元接收到的输入电流
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))  # 神经元的发放状态
        self.t_last_spike = bm.Variable(bm.ones(self.num) * -1e7)  # 神经元上次发放的时刻

    @bp.odeint(method='exponential_euler')
    def integral(self, V, m, h, n, t, Iext):
        alpha = 0.1 * (V + 40) / (1 - bm.exp(-(V + 40) / 10))
        beta = 4.0 * bm.exp(-(V + 65) / 18)
        dmdt = alpha * (1 - m) - beta * m

        alpha = 0.07 * bm.exp(-(V + 65) / 20.)
        beta = 1 / (1 + bm.exp(-(V + 35) / 10))
        dhdt = alpha * (1 - h) - beta * h

        alpha = 0.01 * (V + 55) / (1 - bm.exp(-(V + 55) / 10))
        beta = 0.125 * bm.exp(-(V + 65) / 80)
        dndt = alpha * (1 - n) - beta * n

        I_Na = (self.gNa * m ** 3.0 * h) * (V - self.ENa)
        I_K = (self.gK * n ** 4.0) * (V - self.EK)
        I_leak = self.gL * (V - self.EL)
        dVdt = (- I_Na - I_K - I_leak + Iext) / self.C

        return dVdt, dmdt, dhdt, dndt

    def update(self, _t, _dt, **kwargs):
        # 更新下一时刻变量的值
        V, m, h, n = self.integral(self.V, self.m, self.h, self.n, _t, self.input, dt=_dt)
        # 判断神经元是否产生膜电位
        self.spike[:] = bm.logical_and(self.V < self.V_th, V >= self.V_th)
        # 更新神经元发放的时间
        self.t_last_spike[:] = bm.where(self.spike, _t, self.t_last_spike)
        self.V[:] = V
        self.m[:] = m
        self.h[:] = h
        self.n[:] = n
        self.input[:] = 0.  # 重置神经元接收到的输入


# The same model as BrainPy's model zoo writes it: the method is a parameter.
class HHMethod(bp.NeuGroup):
    def __init__(self, size, ENa=50., gNa=120., EK=-77., gK=36., EL=-54.387,
                 gL=0.03, V_th=20., C=1.0, method='exponential_euler', **kwargs):
        # 初始化父类
        super(HHMethod, self).__init__(size=size, **kwargs)

        # 定义神经元参数
        self.ENa = ENa
        self.EK = EK
        self.EL = EL
        self.gNa = gNa
        self.gK = gK
        self.gL = gL
        self.C = C
        self.V_th = V_th

        # 定义神经元变量
        self.V = bm.Variable(-65. * bm.ones(self.num))  # 膜电位
        self.m = bm.Variable(0.5 * bm.ones(self.num))  # 离子通道m
        self.h = bm.Variable(0.6 * bm.ones(self.num))  # 离子通道h
        self.n = bm.Variable(0.32 * bm.ones(self.num))  # 离子通道n
        self.input = bm.Variable(bm.zeros(self.num))  # 神经元接收到的输入电流
        self.spike = bm.Variable(bm.zeros(self.num, dtype=bool))  # 神经元的发放状态
        self.t_last_spike = bm.Variable(bm.ones(self.num) * -1e7)  # 神经元上次发放的时刻

        self.integral = bp.odeint(self.derivative, method=method)

    def derivative(self, V, m, h, n, t, Iext):
        alpha = 0.1 * (V + 40) / (1 - bm.exp(-(V + 40) / 10))
        beta = 4.0 * bm.exp(-(V + 65) / 18)
        dmdt = alpha * (1 - m) - beta * m

        alpha = 0.07 * bm.exp(-(V + 65) / 20.)
        beta = 1 / (1 + bm.exp(-(V + 35) / 10))
        dhdt = alpha * (1 - h) - beta * h

        alpha = 0.01 * (V + 55) / (1 - bm.exp(-(V + 55) / 10))
        beta = 0.125 * bm.exp(-(V + 65) / 80)
        dndt = alpha * (1 - n) - beta * n

        I_Na = (self.gNa * m ** 3.0 * h) * (V - self.ENa)
        I_K = (self.gK * n ** 4.0) * (V - self.EK)
        I_leak = self.gL * (V - self.EL)
        dVdt = (- I_Na - I_K - I_leak + Iext) / self.C

        return dVdt, dmdt, dhdt, dndt

    def update(self, _t, _dt, **kwargs):
        # 更新下一时刻变量的值
        V, m, h, n = self.integral(self.V, self.m, self.h, self.n, _t, self.input, dt=_dt)
        # 判断神经元是否产生膜电位
        self.spike[:] = bm.logical_and(self.V < self.V_th, V >= self.V_th)
        # 更新神经元发放的时间
        self.t_last_spike[:] = bm.where(self.spike, _t, self.t_last_spike)
        self.V[:] = V
        self.m[:] = m
        self.h[:] = h
        self.n[:] = n
        self.input[:] = 0.  # 重置神经元接收到的输入
