using System.Net;
using Doctolib.Telehealth.Media.Ice;
using Doctolib.Telehealth.Media.Stun;
using Doctolib.Telehealth.Media.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Doctolib.Telehealth.Media.Tests.Ice;

public sealed class IceLiteServerTests
{
    private static readonly IPEndPoint Browser = new(IPAddress.Loopback, 50000);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
    private readonly IceCredentials _serverCredentials = IceCredentials.Generate();
    private readonly IceCredentials _clientCredentials = IceCredentials.Generate();

    private IceLiteServer NewServer(bool answerUnauthenticated = false) =>
        new(_time, new IceLiteOptions { AnswerUnauthenticatedRequests = answerUnauthenticated });

    private IceControllingClient Client(IceCredentials? server = null) => new(_clientCredentials, server ?? _serverCredentials);

    [Fact]
    public void HandlePacket_ValidRequest_AnswersSuccessWithMappedAddress()
    {
        IceLiteServer server = NewServer();
        IceSession session = server.AddSession("s1", _serverCredentials);
        IceControllingClient client = Client();
        byte[] request = client.CreateBindingRequest(1234, useCandidate: false, out StunTransactionId id);

        IceBindingResult result = server.HandlePacket(request, Browser, IceTransport.Udp);

        Assert.Equal(IceBindingOutcome.Success, result.Outcome);
        Assert.Same(session, result.Session);
        Assert.NotNull(result.Response);
        IceCheckResult check = client.CheckResponse(result.Response, id);
        Assert.Equal(IceCheckStatus.Success, check.Status);
        Assert.Equal(Browser, check.MappedAddress);
        Assert.Null(session.SelectedPair);
        Assert.Single(session.GetPairs());
    }

    [Fact]
    public void HandlePacket_UseCandidate_SelectsThePairAndReportsTheChange()
    {
        IceLiteServer server = NewServer();
        IceSession session = server.AddSession("s1", _serverCredentials);
        byte[] request = Client().CreateBindingRequest(1234, useCandidate: true, out _);

        IceBindingResult result = server.HandlePacket(request, Browser, IceTransport.Udp);

        Assert.True(result.Nominated);
        Assert.True(result.SelectedPairChanged);
        Assert.NotNull(session.SelectedPair);
        Assert.Equal(Browser, session.SelectedPair.RemoteEndPoint);
        Assert.Equal(IceTransport.Udp, session.SelectedPair.Transport);
        Assert.True(session.SelectedPair.Nominated);

        IceBindingResult again = server.HandlePacket(Client().CreateBindingRequest(1234, true, out _), Browser, IceTransport.Udp);
        Assert.False(again.SelectedPairChanged);
    }

    [Fact]
    public void HandlePacket_LaterNominationOfAnotherPair_MovesTheSelection()
    {
        IceLiteServer server = NewServer();
        IceSession session = server.AddSession("s1", _serverCredentials);
        var other = new IPEndPoint(IPAddress.Loopback, 50001);
        server.HandlePacket(Client().CreateBindingRequest(1, true, out _), Browser, IceTransport.Udp);

        IceBindingResult result = server.HandlePacket(Client().CreateBindingRequest(1, true, out _), other, IceTransport.Tcp);

        Assert.True(result.SelectedPairChanged);
        Assert.Equal(other, session.SelectedPair!.RemoteEndPoint);
        Assert.Equal(IceTransport.Tcp, session.SelectedPair.Transport);
        Assert.Equal(2, session.GetPairs().Count);
    }

    [Fact]
    public void HandlePacket_UnknownUfrag_IsDroppedWithoutAnswer()
    {
        IceLiteServer server = NewServer();
        server.AddSession("s1", _serverCredentials);
        byte[] request = Client(IceCredentials.Generate()).CreateBindingRequest(1, true, out _);

        IceBindingResult result = server.HandlePacket(request, Browser, IceTransport.Udp);

        Assert.Equal(IceBindingOutcome.Dropped, result.Outcome);
        Assert.Equal(IceDropReason.UnknownUsername, result.DropReason);
        Assert.Null(result.Response);
        Assert.False(server.TryGetSessionByRemote(Browser, IceTransport.Udp, out _));
    }

    [Fact]
    public void HandlePacket_WrongPassword_IsDroppedWithoutAnswer()
    {
        IceLiteServer server = NewServer();
        IceSession session = server.AddSession("s1", _serverCredentials);
        var forged = new IceCredentials(_serverCredentials.Ufrag, IceCredentials.Generate().Password);
        byte[] request = Client(forged).CreateBindingRequest(1, true, out _);

        IceBindingResult result = server.HandlePacket(request, Browser, IceTransport.Udp);

        Assert.Equal(IceBindingOutcome.Dropped, result.Outcome);
        Assert.Equal(IceDropReason.BadMessageIntegrity, result.DropReason);
        Assert.Null(result.Response);
        Assert.Null(session.SelectedPair);
        Assert.Empty(session.GetPairs());
    }

    [Fact]
    public void HandlePacket_WrongPasswordWhenAnsweringIsOn_Answers401WithoutIntegrity()
    {
        IceLiteServer server = NewServer(answerUnauthenticated: true);
        server.AddSession("s1", _serverCredentials);
        var forged = new IceCredentials(_serverCredentials.Ufrag, IceCredentials.Generate().Password);
        byte[] request = Client(forged).CreateBindingRequest(1, true, out StunTransactionId id);

        IceBindingResult result = server.HandlePacket(request, Browser, IceTransport.Udp);

        Assert.Equal(IceBindingOutcome.Error, result.Outcome);
        Assert.Equal(401, result.ErrorCode);
        Assert.True(StunMessage.TryParse(result.Response, out StunMessage? response));
        Assert.Equal(id, response.TransactionId);
        Assert.Equal(401, response.ErrorCode);
        Assert.False(response.HasMessageIntegrity);
        Assert.True(response.ValidateFingerprint());
    }

    [Fact]
    public void HandlePacket_NoIntegrityWhenAnsweringIsOn_Answers400()
    {
        IceLiteServer server = NewServer(answerUnauthenticated: true);
        server.AddSession("s1", _serverCredentials);
        byte[] request = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom())
            .AddUsername($"{_serverCredentials.Ufrag}:{_clientCredentials.Ufrag}")
            .AddPriority(1)
            .AddIceControlling(1)
            .Build(password: null, fingerprint: true);

        IceBindingResult result = server.HandlePacket(request, Browser, IceTransport.Udp);

        Assert.Equal(IceBindingOutcome.Error, result.Outcome);
        Assert.Equal(400, result.ErrorCode);
        Assert.Equal(IceBindingOutcome.Dropped, NewServer().HandlePacket(request, Browser, IceTransport.Udp).Outcome);
    }

    [Fact]
    public void HandlePacket_PeerClaimsControlled_Answers487WithIntegrity()
    {
        IceLiteServer server = NewServer();
        IceSession session = server.AddSession("s1", _serverCredentials);
        var id = StunTransactionId.NewRandom();
        byte[] request = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, id)
            .AddUsername($"{_serverCredentials.Ufrag}:{_clientCredentials.Ufrag}")
            .AddPriority(1)
            .AddIceControlled(7)
            .Build(_serverCredentials.Password, fingerprint: true);

        IceBindingResult result = server.HandlePacket(request, Browser, IceTransport.Udp);

        Assert.Equal(IceBindingOutcome.Error, result.Outcome);
        Assert.Equal(487, result.ErrorCode);
        IceCheckResult check = Client().CheckResponse(result.Response, id);
        Assert.Equal(IceCheckStatus.ErrorResponse, check.Status);
        Assert.Equal(487, check.ErrorCode);
        Assert.Empty(session.GetPairs());
    }

    [Fact]
    public void HandlePacket_AuthenticatedWithoutPriority_Answers400()
    {
        IceLiteServer server = NewServer();
        server.AddSession("s1", _serverCredentials);
        byte[] request = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom())
            .AddUsername($"{_serverCredentials.Ufrag}:{_clientCredentials.Ufrag}")
            .AddIceControlling(1)
            .Build(_serverCredentials.Password, fingerprint: true);

        IceBindingResult result = server.HandlePacket(request, Browser, IceTransport.Udp);

        Assert.Equal(400, result.ErrorCode);
        Assert.True(StunMessage.TryParse(result.Response, out StunMessage? response));
        Assert.True(response.ValidateMessageIntegrity(_serverCredentials.Password));
    }

    [Fact]
    public void HandlePacket_UnknownComprehensionRequiredAttribute_Answers420ListingIt()
    {
        IceLiteServer server = NewServer();
        server.AddSession("s1", _serverCredentials);
        byte[] request = new StunMessageBuilder(StunMethod.Binding, StunClass.Request, StunTransactionId.NewRandom())
            .AddUsername($"{_serverCredentials.Ufrag}:{_clientCredentials.Ufrag}")
            .AddPriority(1)
            .AddIceControlling(1)
            .AddAttribute(0x0033, [1, 2, 3, 4])
            .Build(_serverCredentials.Password, fingerprint: true);

        IceBindingResult result = server.HandlePacket(request, Browser, IceTransport.Udp);

        Assert.Equal(420, result.ErrorCode);
        Assert.True(StunMessage.TryParse(result.Response, out StunMessage? response));
        Assert.Equal(420, response.ErrorCode);
    }

    [Fact]
    public void HandlePacket_CorruptedFingerprintOrGarbage_GetsNoAnswer()
    {
        IceLiteServer server = NewServer(answerUnauthenticated: true);
        server.AddSession("s1", _serverCredentials);
        byte[] request = Client().CreateBindingRequest(1, true, out _);
        request[^1] ^= 1;

        Assert.Equal(IceDropReason.BadFingerprint, server.HandlePacket(request, Browser, IceTransport.Udp).DropReason);
        Assert.Equal(IceBindingOutcome.NotStun, server.HandlePacket([0x80, 0x60, 0, 1], Browser, IceTransport.Udp).Outcome);
        Assert.Equal(IceBindingOutcome.NotStun, server.HandlePacket([], Browser, IceTransport.Udp).Outcome);
    }

    [Fact]
    public void TryGetSessionByRemote_OnlyValidatedAddressesAreKnown()
    {
        IceLiteServer server = NewServer();
        IceSession session = server.AddSession("s1", _serverCredentials);
        server.HandlePacket(Client().CreateBindingRequest(1, false, out _), Browser, IceTransport.Udp);

        Assert.True(server.TryGetSessionByRemote(new IPEndPoint(IPAddress.Loopback.MapToIPv6(), 50000), IceTransport.Udp, out IceSession? found));
        Assert.Same(session, found);
        Assert.False(server.TryGetSessionByRemote(Browser, IceTransport.Tcp, out _));
        Assert.False(server.TryGetSessionByRemote(new IPEndPoint(IPAddress.Loopback, 50002), IceTransport.Udp, out _));
    }

    [Fact]
    public void RemoveSession_ThenRequests_AreDroppedAndAddressForgotten()
    {
        IceLiteServer server = NewServer();
        IceSession session = server.AddSession("s1", _serverCredentials);
        server.HandlePacket(Client().CreateBindingRequest(1, true, out _), Browser, IceTransport.Udp);

        Assert.True(server.RemoveSession(session));

        Assert.Equal(IceBindingOutcome.Dropped, server.HandlePacket(Client().CreateBindingRequest(1, true, out _), Browser, IceTransport.Udp).Outcome);
        Assert.False(server.TryGetSessionByRemote(Browser, IceTransport.Udp, out _));
        Assert.Equal(0, server.SessionCount);
    }

    [Fact]
    public void AddSession_DuplicateUfrag_Throws()
    {
        IceLiteServer server = NewServer();
        server.AddSession("s1", _serverCredentials);

        Assert.Throws<InvalidOperationException>(() => server.AddSession("s2", _serverCredentials));
    }
}
