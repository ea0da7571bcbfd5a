using System.Net;
using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Tests.Sdp;

public sealed class SdpCandidateFactoryTests
{
    [Fact]
    public void UdpHost_OutranksTcpPassive()
    {
        var endPoint = new IPEndPoint(IPAddress.Loopback, 5081);

        SdpCandidate udp = SdpCandidateFactory.UdpHost(endPoint);
        SdpCandidate tcp = SdpCandidateFactory.TcpPassiveHost(endPoint);

        Assert.Equal("1 1 udp 2130706431 127.0.0.1 5081 typ host", udp.ToSdpValue());
        Assert.Equal("passive", tcp.TcpType);
        Assert.Equal("tcp", tcp.Transport);
        Assert.True(udp.Priority > tcp.Priority);
    }

    [Fact]
    public void UdpHost_MappedAddress_IsWrittenAsIPv4()
    {
        SdpCandidate udp = SdpCandidateFactory.UdpHost(new IPEndPoint(IPAddress.Loopback.MapToIPv6(), 5081));

        Assert.Equal("127.0.0.1", udp.Address);
    }
}
