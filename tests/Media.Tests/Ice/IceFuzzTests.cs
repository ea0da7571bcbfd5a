using System.Net;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Stun;
using Doctolib.Telehealth.Media.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Doctolib.Telehealth.Media.Tests.Ice;

public sealed class IceFuzzTests
{
    [Fact]
    public void HandlePacket_MutatedValidRequests_NeverThrowAndNeverSucceed()
    {
        var server = new IceLiteServer(new FakeTimeProvider(), new IceLiteOptions { AnswerUnauthenticatedRequests = true });
        IceCredentials serverCredentials = IceCredentials.Generate();
        IceSession session = server.AddSession("s1", serverCredentials);
        var client = new IceControllingClient(IceCredentials.Generate(), serverCredentials);
        byte[] valid = client.CreateBindingRequest(100, useCandidate: true, out _);
        var remote = new IPEndPoint(IPAddress.Loopback, 40000);
        var random = new Random(8445);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] copy = (byte[])valid.Clone();
            int index = random.Next(copy.Length);
            copy[index] ^= (byte)random.Next(1, 256);

            IceBindingResult result = server.HandlePacket(copy, remote, IceTransport.Udp);

            Assert.NotEqual(IceBindingOutcome.Success, result.Outcome);
            if (result.Response is not null)
            {
                Assert.True(StunMessage.TryParse(result.Response, out StunMessage? response));
                Assert.Equal(StunClass.ErrorResponse, response.Class);
            }
        }

        Assert.Null(session.SelectedPair);
        Assert.Equal(IceBindingOutcome.Success, server.HandlePacket(valid, remote, IceTransport.Udp).Outcome);
    }
}
