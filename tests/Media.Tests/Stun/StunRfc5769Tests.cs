using System.Net;
using Doctolib.Telehealth.Media.Stun;

namespace Doctolib.Telehealth.Media.Tests.Stun;

/// <summary>RFC 5769 test vectors, byte for byte. §2.4 (long-term credential with SASLprep'd user name and realm)
/// is not covered: ICE uses only short-term credentials, and the server implements no long-term mechanism.</summary>
public sealed class StunRfc5769Tests
{
    private const string Password = "VOkJxbRl1RmTxUk/WvJxBt";

    private static readonly byte[] SampleRequest = Hex.Parse("""
        00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
        00 24 00 04 6e 00 01 ff
        80 29 00 08 93 2f f9 b1 51 26 3b 36
        00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
        00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
        80 28 00 04 e5 7a 3b cf
        """);

    private static readonly byte[] SampleIPv4Response = Hex.Parse("""
        01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
        00 20 00 08 00 01 a1 47 e1 12 a6 43
        00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
        80 28 00 04 c0 7d 4c 96
        """);

    private static readonly byte[] SampleIPv6Response = Hex.Parse("""
        01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
        80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
        00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
        00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
        80 28 00 04 c8 fb 0b 4c
        """);

    private static readonly StunTransactionId VectorTransaction = StunTransactionId.Read(Hex.Parse("b7 e7 a7 01 bc 34 d6 86 fa 87 df ae"));

    [Fact]
    public void TryParse_SampleRequest_ReadsEveryAttributeAndValidates()
    {
        Assert.True(StunMessage.TryParse(SampleRequest, out StunMessage? message));

        Assert.True(message.IsBindingRequest);
        Assert.Equal(VectorTransaction, message.TransactionId);
        Assert.Equal("STUN test client", message.Software);
        Assert.Equal(0x6E0001FFu, message.Priority);
        Assert.Equal(0x932FF9B151263B36UL, message.IceControlled);
        Assert.Null(message.IceControlling);
        Assert.Equal("evtj:h6vY", message.Username);
        Assert.True(message.ValidateMessageIntegrity(Password));
        Assert.True(message.ValidateFingerprint());
        Assert.False(message.ValidateMessageIntegrity("wrong-password-wrong-pw"));
    }

    [Fact]
    public void Build_SampleRequest_IsByteForByteTheVector()
    {
        byte[] built = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, VectorTransaction) { PaddingByte = 0x20 }
            .AddSoftware("STUN test client")
            .AddPriority(0x6E0001FF)
            .AddIceControlled(0x932FF9B151263B36)
            .AddUsername("evtj:h6vY")
            .Build(Password, fingerprint: true);

        Assert.Equal(Convert.ToHexString(SampleRequest), Convert.ToHexString(built));
    }

    [Fact]
    public void TryParse_SampleIPv4Response_ReadsMappedAddressAndValidates()
    {
        Assert.True(StunMessage.TryParse(SampleIPv4Response, out StunMessage? message));

        Assert.Equal(StunClass.SuccessResponse, message.Class);
        Assert.Equal("test vector", message.Software);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), message.XorMappedAddress);
        Assert.True(message.ValidateMessageIntegrity(Password));
        Assert.True(message.ValidateFingerprint());
    }

    [Fact]
    public void Build_SampleIPv4Response_IsByteForByteTheVector()
    {
        byte[] built = new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, VectorTransaction) { PaddingByte = 0x20 }
            .AddSoftware("test vector")
            .AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853))
            .Build(Password, fingerprint: true);

        Assert.Equal(Convert.ToHexString(SampleIPv4Response), Convert.ToHexString(built));
    }

    [Fact]
    public void TryParse_SampleIPv6Response_ReadsMappedAddressAndValidates()
    {
        Assert.True(StunMessage.TryParse(SampleIPv6Response, out StunMessage? message));

        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), message.XorMappedAddress);
        Assert.True(message.ValidateMessageIntegrity(Password));
        Assert.True(message.ValidateFingerprint());
    }

    [Fact]
    public void Build_SampleIPv6Response_IsByteForByteTheVector()
    {
        byte[] built = new StunMessageBuilder(StunMethod.Binding, StunClass.SuccessResponse, VectorTransaction) { PaddingByte = 0x20 }
            .AddSoftware("test vector")
            .AddXorMappedAddress(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853))
            .Build(Password, fingerprint: true);

        Assert.Equal(Convert.ToHexString(SampleIPv6Response), Convert.ToHexString(built));
    }

    [Theory]
    [InlineData(30)] // inside SOFTWARE
    [InlineData(47)] // inside ICE-CONTROLLED
    [InlineData(60)] // inside USERNAME
    public void ValidateMessageIntegrity_OneBitFlipped_Fails(int index)
    {
        byte[] copy = (byte[])SampleRequest.Clone();
        copy[index] ^= 0x01;

        Assert.True(StunMessage.TryParse(copy, out StunMessage? message));
        Assert.False(message.ValidateMessageIntegrity(Password));
        Assert.False(message.ValidateFingerprint());
    }

    [Fact]
    public void ValidateFingerprint_FingerprintValueChanged_Fails()
    {
        byte[] copy = (byte[])SampleRequest.Clone();
        copy[^1] ^= 0x80;

        Assert.True(StunMessage.TryParse(copy, out StunMessage? message));
        Assert.True(message.ValidateMessageIntegrity(Password));
        Assert.False(message.ValidateFingerprint());
    }
}
