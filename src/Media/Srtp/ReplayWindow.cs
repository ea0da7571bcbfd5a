namespace Doctolib.Telehealth.Media.Srtp;

/// <summary>A 128-packet sliding replay window over 48-bit SRTP or 31-bit SRTCP indices (RFC 3711 §3.3.2).
/// Bit n of the mask stands for index (Highest - n).</summary>
internal struct ReplayWindow
{
    internal const int Size = 128;

    private UInt128 _mask;

    /// <summary>The highest index accepted so far; meaningful only when <see cref="HasAny"/>.</summary>
    internal ulong Highest { get; private set; }

    internal bool HasAny { get; private set; }

    /// <summary>True when the index is new and not too old. Does not change the window: call
    /// <see cref="Accept"/> once the packet has authenticated.</summary>
    internal readonly bool IsFresh(ulong index)
    {
        if (!HasAny || index > Highest)
        {
            return true;
        }

        ulong delta = Highest - index;
        if (delta >= Size)
        {
            return false;
        }

        return ((_mask >> (int)delta) & UInt128.One) == UInt128.Zero;
    }

    internal void Accept(ulong index)
    {
        if (!HasAny)
        {
            HasAny = true;
            Highest = index;
            _mask = UInt128.One;
            return;
        }

        if (index > Highest)
        {
            ulong shift = index - Highest;
            _mask = shift >= Size ? UInt128.One : (_mask << (int)shift) | UInt128.One;
            Highest = index;
            return;
        }

        ulong delta = Highest - index;
        if (delta < Size)
        {
            _mask |= UInt128.One << (int)delta;
        }
    }
}
