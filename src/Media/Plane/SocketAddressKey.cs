using System.Buffers.Binary;
using System.Net;

namespace Doctolib.Telehealth.Media.Plane;

/// <summary>A UDP source address (its native sockaddr bytes, up to a sockaddr_in6) as a value: the receive loop looks
/// every datagram's source up by it. Equal exactly when <see cref="SocketAddress.Equals(SocketAddress)"/> would be; a
/// struct key gives the table code of its own, where a <see cref="SocketAddress"/> key went through shared generic code,
/// the comparer's interface dispatch and <see cref="SocketAddress.GetHashCode"/>'s byte hashing for each packet.</summary>
internal readonly struct SocketAddressKey : IEquatable<SocketAddressKey>
{
    /// <summary>The longest address kept: sockaddr_in6. Longer ones (none on UDP) are not keys.</summary>
    public const int MaxSize = 28;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly uint _d;
    private readonly int _size;

    private SocketAddressKey(ulong a, ulong b, ulong c, uint d, int size)
    {
        _a = a;
        _b = b;
        _c = c;
        _d = d;
        _size = size;
    }

    /// <summary>The key of an address, false when it is longer than <see cref="MaxSize"/>.</summary>
    public static bool TryCreate(SocketAddress address, out SocketAddressKey key)
    {
        int size = address.Size;
        if (size > MaxSize)
        {
            key = default;
            return false;
        }

        Span<byte> bytes = stackalloc byte[MaxSize];
        bytes.Clear();
        address.Buffer.Span[..size].CopyTo(bytes);
        key = new SocketAddressKey(
            BinaryPrimitives.ReadUInt64LittleEndian(bytes),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes[24..]),
            size);
        return true;
    }

    public bool Equals(SocketAddressKey other) =>
        _a == other._a && _b == other._b && _c == other._c && _d == other._d && _size == other._size;

    public override bool Equals(object? obj) => obj is SocketAddressKey other && Equals(other);

    public override int GetHashCode()
    {
        // Family and port sit in the first 4 bytes and an IPv4 address in the next 4: _a alone separates IPv4 sources.
        ulong mixed = (_a ^ (_b * 0x9E3779B97F4A7C15) ^ (_c * 0xC2B2AE3D27D4EB4F) ^ _d) * 0x9E3779B97F4A7C15;
        return (int)(mixed >> 32) ^ _size;
    }
}
