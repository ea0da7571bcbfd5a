using System.Net;
using Doctolib.Telehealth.Media.Stun;

namespace Doctolib.Telehealth.Media.Tests.Stun;

public sealed class StunMessageTests
{
    [Fact]
    public void Build_ErrorResponseWithUnknownAttribute_RoundTrips()
    {
        var id = StunTransactionId.NewRandom();
        byte[] built = new StunMessageBuilder(StunMethod.Binding, StunClass.ErrorResponse, id)
            .AddErrorCode(487, "Role Conflict")
            .AddAttribute(0x7F01, [1, 2, 3])
            .AddAttribute(0xC001, [9])
            .Build(password: null, fingerprint: true);

        Assert.True(StunMessage.TryParse(built, out StunMessage? message));
        Assert.Equal(StunClass.ErrorResponse, message.Class);
        Assert.Equal(id, message.TransactionId);
        Assert.Equal(487, message.ErrorCode);
        Assert.Equal("Role Conflict", message.ErrorReason);
        Assert.Equal([(ushort)0x7F01], message.UnknownRequiredAttributes);
        Assert.False(message.HasMessageIntegrity);
        Assert.True(message.ValidateFingerprint());
    }

    [Fact]
    public void TryGetAttribute_UnknownOptionalAttribute_IsKeptReadable()
    {
        byte[] built = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom())
            .AddAttribute(0xC057, [0, 1, 0, 9]) // e.g. GOOG-NETWORK-INFO: unknown to us, optional
            .AddPriority(5)
            .Build(password: null, fingerprint: true);

        Assert.True(StunMessage.TryParse(built, out StunMessage? message));

        Assert.Empty(message.UnknownRequiredAttributes);
        Assert.True(message.TryGetAttribute(0xC057, out ReadOnlySpan<byte> value));
        Assert.Equal(new byte[] { 0, 1, 0, 9 }, value.ToArray());
        Assert.False(message.TryGetAttribute(0xC058, out _));
        Assert.Equal(5u, message.Priority);
    }

    [Fact]
    public void Build_RequestWithIceAttributes_RoundTrips()
    {
        byte[] built = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom())
            .AddUsername("server1:clientA")
            .AddPriority(1853824767)
            .AddIceControlling(0x0102030405060708)
            .AddUseCandidate()
            .Build("abcdefghijklmnopqrstuvwx", fingerprint: true);

        Assert.True(StunMessage.TryParse(built, out StunMessage? message));
        Assert.Equal("server1:clientA", message.Username);
        Assert.Equal(1853824767u, message.Priority);
        Assert.Equal(0x0102030405060708UL, message.IceControlling);
        Assert.True(message.UseCandidate);
        Assert.True(message.ValidateMessageIntegrity("abcdefghijklmnopqrstuvwx"));
        Assert.True(message.ValidateFingerprint());
    }

    [Fact]
    public void Build_IPv4MappedIPv6Address_IsWrittenAsIPv4()
    {
        var endPoint = new IPEndPoint(IPAddress.Parse("127.0.0.1").MapToIPv6(), 5000);
        byte[] built = new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, StunTransactionId.NewRandom())
            .AddXorMappedAddress(endPoint)
            .Build(password: null, fingerprint: false);

        Assert.True(StunMessage.TryParse(built, out StunMessage? message));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 5000), message.XorMappedAddress);
    }

    [Fact]
    public void TryParse_AttributeAfterFingerprint_IsRejected()
    {
        byte[] built = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom())
            .Build(password: null, fingerprint: true);
        byte[] extended = new byte[built.Length + 8];
        built.CopyTo(extended, 0);
        extended[built.Length + 1] = 0x24; // PRIORITY after FINGERPRINT
        extended[built.Length + 3] = 4;
        extended[3] = (byte)(extended.Length - 20);

        Assert.False(StunMessage.TryParse(extended, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("00 01 00 00 21 12 a4 42 00 00 00 00 00 00 00 00 00 00 00")] // 19 bytes
    [InlineData("00 01 00 00 21 12 a4 43 00 00 00 00 00 00 00 00 00 00 00 00")] // wrong cookie
    [InlineData("c0 01 00 00 21 12 a4 42 00 00 00 00 00 00 00 00 00 00 00 00")] // top bits set
    [InlineData("00 01 00 04 21 12 a4 42 00 00 00 00 00 00 00 00 00 00 00 00")] // length says 4, none there
    [InlineData("00 01 00 02 21 12 a4 42 00 00 00 00 00 00 00 00 00 00 00 00 00 00")] // length not a multiple of 4
    [InlineData("00 01 00 08 21 12 a4 42 00 00 00 00 00 00 00 00 00 00 00 00 00 24 00 08 00 00 00 00")] // attribute overruns
    [InlineData("00 01 00 08 21 12 a4 42 00 00 00 00 00 00 00 00 00 00 00 00 00 24 00 02 00 00 00 00")] // PRIORITY of 2 bytes
    [InlineData("00 01 00 08 21 12 a4 42 00 00 00 00 00 00 00 00 00 00 00 00 00 06 00 02 c3 28 00 00")] // USERNAME not UTF-8
    public void TryParse_MalformedMessage_ReturnsFalse(string hex)
    {
        Assert.False(StunMessage.TryParse(Hex.Parse(hex), out StunMessage? message));
        Assert.Null(message);
    }

    [Fact]
    public void MessageType_EncodeDecode_RoundTripsEveryClass()
    {
        foreach (StunClass c in Enum.GetValues<StunClass>())
        {
            ushort type = StunMessageType.Encode(StunMethod.Binding, c);
            StunMessageType.Decode(type, out ushort method, out StunClass decoded);
            Assert.Equal((ushort)StunMethod.Binding, method);
            Assert.Equal(c, decoded);
        }

        Assert.Equal(0x0001, StunMessageType.Encode(StunMethod.Binding, StunClass.Request));
        Assert.Equal(0x0101, StunMessageType.Encode(StunMethod.Binding, StunClass.SuccessResponse));
        Assert.Equal(0x0111, StunMessageType.Encode(StunMethod.Binding, StunClass.ErrorResponse));
        Assert.Equal(0x0011, StunMessageType.Encode(StunMethod.Binding, StunClass.Indication));
    }
}
