"""``log1p`` exactly as Java computes it (``Math.log1p`` = ``StrictMath.log1p`` = fdlibm's s_log1p.c).

The featuriser's values are ``log1p(count)``; C libraries' log1p (what ``math.log1p`` calls)
differs from fdlibm in the last bit for some counts (glibc: 175 and 184 among 0..4999), which
would break bit-identity with the Java featuriser. This is a line-by-line port of fdlibm 5.3's
s_log1p.c (Sun Microsystems, freely redistributable); every operation is an IEEE double
operation in the same order, so the result is bit-identical (checked against the JVM on
400,000 inputs when it was written, and through the golden features in the tests).
"""

import struct

_LN2_HI = 6.93147180369123816490e-01  # 3fe62e42 fee00000
_LN2_LO = 1.90821492927058770002e-10  # 3dea39ef 35793c76
_TWO54 = 1.80143985094819840000e+16  # 43500000 00000000
_LP1 = 6.666666666666735130e-01  # 3FE55555 55555593
_LP2 = 3.999999999940941908e-01  # 3FD99999 9997FA04
_LP3 = 2.857142874366239149e-01  # 3FD24924 94229359
_LP4 = 2.222219843214978396e-01  # 3FCC71C5 1D8E78AF
_LP5 = 1.818357216161805012e-01  # 3FC74664 96CB03DE
_LP6 = 1.531383769920937332e-01  # 3FC39A09 D078C69F
_LP7 = 1.479819860511658591e-01  # 3FC2F112 DF3E5244


def _hi(x: float) -> int:
    """The high 32 bits of x as a signed int (fdlibm's __HI)."""
    return struct.unpack("<q", struct.pack("<d", x))[0] >> 32


def _with_hi(x: float, hi: int) -> float:
    """x with its high 32 bits replaced (fdlibm's __HI(x) = hi)."""
    lo = struct.unpack("<Q", struct.pack("<d", x))[0] & 0xFFFFFFFF
    return struct.unpack("<d", struct.pack("<Q", ((hi & 0xFFFFFFFF) << 32) | lo))[0]


def log1p(x: float) -> float:
    x = float(x)
    hx = _hi(x)
    ax = hx & 0x7FFFFFFF
    k = 1
    f = 0.0
    c = 0.0
    hu = 0
    if hx < 0x3FDA827A:  # x < 0.41422
        if ax >= 0x3FF00000:  # x <= -1.0
            return float("-inf") if x == -1.0 else float("nan")
        if ax < 0x3E200000:  # |x| < 2**-29
            if _TWO54 + x > 0.0 and ax < 0x3C900000:  # |x| < 2**-54
                return x
            return x - x * x * 0.5
        if hx > 0 or hx <= -1076707645:  # (int) 0xbfd2bec3: -0.2929 < x < 0.41422
            k = 0
            f = x
            hu = 1
    if hx >= 0x7FF00000:
        return x + x
    if k != 0:
        if hx < 0x43400000:
            u = 1.0 + x
            hu = _hi(u)
            k = (hu >> 20) - 1023
            c = (1.0 - (u - x)) if k > 0 else (x - (u - 1.0))  # correction term
            c /= u
        else:
            u = x
            hu = _hi(u)
            k = (hu >> 20) - 1023
            c = 0.0
        hu &= 0x000FFFFF
        if hu < 0x6A09E:
            u = _with_hi(u, hu | 0x3FF00000)  # normalize u
        else:
            k += 1
            u = _with_hi(u, hu | 0x3FE00000)  # normalize u/2
            hu = (0x00100000 - hu) >> 2
        f = u - 1.0
    hfsq = 0.5 * f * f
    if hu == 0:  # |f| < 2**-20
        if f == 0.0:
            if k == 0:
                return 0.0
            c += k * _LN2_LO
            return k * _LN2_HI + c
        r = hfsq * (1.0 - 0.66666666666666666 * f)
        if k == 0:
            return f - r
        return k * _LN2_HI - ((r - (k * _LN2_LO + c)) - f)
    s = f / (2.0 + f)
    z = s * s
    r = z * (_LP1 + z * (_LP2 + z * (_LP3 + z * (_LP4 + z * (_LP5 + z * (_LP6 + z * _LP7))))))
    if k == 0:
        return f - (hfsq - s * (hfsq + r))
    return k * _LN2_HI - ((hfsq - (s * (hfsq + r) + (k * _LN2_LO + c))) - f)
