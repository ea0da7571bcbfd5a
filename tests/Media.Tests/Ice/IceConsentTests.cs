using System.Net;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Doctolib.Telehealth.Media.Tests.Ice;

/// <summary>Consent freshness (RFC 7675) and ICE restart on the lite server, on a fake clock.</summary>
public sealed class IceConsentTests
{
    private static readonly IPEndPoint Browser = new(IPAddress.Loopback, 50000);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
    private readonly IceCredentials _server = IceCredentials.Generate();
    private readonly IceCredentials _client = IceCredentials.Generate();

    private IceBindingResult Check(IceLiteServer server, IceCredentials serverCredentials, bool nominate = true) =>
        server.HandlePacket(new IceControllingClient(_client, serverCredentials).CreateBindingRequest(1, nominate, out _), Browser, IceTransport.Udp);

    [Fact]
    public void CollectConsentLost_ThirtySecondsWithoutRequest_ReportsSessionOnce()
    {
        var server = new IceLiteServer(_time, new IceLiteOptions());
        IceSession session = server.AddSession("s1", _server);
        Check(server, _server);
        var lost = new List<IceSession>();

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, server.CollectConsentLost(lost));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, server.CollectConsentLost(lost));
        Assert.Same(session, Assert.Single(lost));
        Assert.True(session.ConsentLost);

        lost.Clear();
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0, server.CollectConsentLost(lost));
    }

    [Fact]
    public void CollectConsentLost_RequestsEveryFewSeconds_KeepConsent()
    {
        var server = new IceLiteServer(_time, new IceLiteOptions());
        server.AddSession("s1", _server);
        Check(server, _server);
        var lost = new List<IceSession>();

        for (int i = 0; i < 30; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            Check(server, _server, nominate: false);
            Assert.Equal(0, server.CollectConsentLost(lost));
        }
    }

    [Fact]
    public void CollectConsentLost_UnselectedSession_IsNeverReported()
    {
        var server = new IceLiteServer(_time, new IceLiteOptions());
        server.AddSession("s1", _server);
        Check(server, _server, nominate: false);

        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(0, server.CollectConsentLost([]));
    }

    [Fact]
    public void HandlePacket_AfterConsentLost_RestoresConsent()
    {
        var server = new IceLiteServer(_time, new IceLiteOptions { ConsentTimeout = TimeSpan.FromSeconds(5) });
        IceSession session = server.AddSession("s1", _server);
        Check(server, _server);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, server.CollectConsentLost([]));

        IceBindingResult result = Check(server, _server, nominate: false);

        Assert.True(result.ConsentRestored);
        Assert.False(session.ConsentLost);
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, server.CollectConsentLost([]));
    }

    [Fact]
    public void RestartSession_OldUfragWorksUntilNewOneIsUsed()
    {
        var server = new IceLiteServer(_time, new IceLiteOptions());
        IceSession session = server.AddSession("s1", _server);
        Check(server, _server);
        IceCredentials restarted = IceCredentials.Generate();

        server.RestartSession(session, restarted);

        Assert.Equal(IceBindingOutcome.Success, Check(server, _server).Outcome);
        Assert.Same(_server, session.PreviousCredentials);
        Assert.Equal(IceBindingOutcome.Success, Check(server, restarted).Outcome);
        Assert.Null(session.PreviousCredentials);
        Assert.Equal(IceBindingOutcome.Dropped, Check(server, _server).Outcome);
        Assert.Same(restarted, session.LocalCredentials);
        Assert.NotNull(session.SelectedPair);
        Assert.Equal(1, server.SessionCount);
    }
}
