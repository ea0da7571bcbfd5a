namespace Doctolib.Telehealth.Media.Bwe;

/// <summary>A 16-bit packet chunk of a transport feedback message: run-length (§3.1.3: T=0, 2-bit symbol, 13-bit
/// run length) or status vector (§3.1.4: T=1, S=0 for 14 one-bit symbols, S=1 for 7 two-bit symbols).</summary>
internal readonly record struct PacketChunk(ushort Value)
{
    public bool IsRunLength => (Value & 0x8000) == 0;
    public bool IsTwoBitVector => (Value & 0xC000) == 0xC000;
    public byte RunSymbol => (byte)((Value >> 13) & 0x3);
    public int RunLength => Value & 0x1FFF;

    /// <summary>Statuses this chunk can describe: the run length, 14 or 7.</summary>
    public int Capacity => IsRunLength ? RunLength : IsTwoBitVector ? 7 : 14;

    /// <summary>The symbol of slot <paramref name="slot"/> of a status vector, first slot in the high bits.</summary>
    public byte SymbolAt(int slot) => IsTwoBitVector
        ? (byte)((Value >> ((6 - slot) * 2)) & 0x3)
        : (byte)((Value >> (13 - slot)) & 0x1);

    public static PacketChunk RunLengthOf(byte symbol, int run) => new((ushort)((symbol << 13) | run));
}
