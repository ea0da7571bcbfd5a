using System.Net;
using Doctolib.Telehealth.Media.Plane;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>The receive loop finds a datagram's session by its source's <see cref="SocketAddressKey"/>: two keys are equal
/// exactly when their addresses are.</summary>
public sealed class SocketAddressKeyTests
{
    private static SocketAddressKey Key(string address, int port)
    {
        Assert.True(SocketAddressKey.TryCreate(new IPEndPoint(IPAddress.Parse(address), port).Serialize(), out SocketAddressKey key));
        return key;
    }

    [Theory]
    [InlineData("127.0.0.1", 5000)]
    [InlineData("::1", 5000)]
    [InlineData("fe80::1%2", 65535)]
    public void SocketAddressKey_SameAddress_EqualWithSameHash(string address, int port)
    {
        Assert.Equal(Key(address, port), Key(address, port));
        Assert.Equal(Key(address, port).GetHashCode(), Key(address, port).GetHashCode());
    }

    [Theory]
    [InlineData("127.0.0.1", 5000, "127.0.0.1", 5001)]
    [InlineData("127.0.0.1", 5000, "127.0.0.2", 5000)]
    [InlineData("::1", 5000, "::2", 5000)]
    [InlineData("2001:db8::1", 5000, "2001:db8::1:0:0:1", 5000)]
    [InlineData("fe80::1%2", 5000, "fe80::1%3", 5000)]
    [InlineData("127.0.0.1", 5000, "::ffff:127.0.0.1", 5000)]
    public void SocketAddressKey_OtherAddressOrPort_NotEqual(string address, int port, string otherAddress, int otherPort) =>
        Assert.NotEqual(Key(address, port), Key(otherAddress, otherPort));

    [Fact]
    public void SocketAddressKey_AddressLongerThanSockaddrIn6_Refused() =>
        Assert.False(SocketAddressKey.TryCreate(new SocketAddress(System.Net.Sockets.AddressFamily.Unix, 110), out _));
}
