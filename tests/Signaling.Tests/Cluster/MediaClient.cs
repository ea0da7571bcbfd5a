using System.Collections.Concurrent;
using Doctolib.Telehealth.Media.Testing;
using Doctolib.Telehealth.Rooms;
using Microsoft.AspNetCore.SignalR.Client;

namespace Doctolib.Telehealth.Signaling.Tests.Cluster;

/// <summary>A participant's client as the contract describes it: a hub connection, a WebRTC peer that offers, answers
/// the server's offers, and on <c>MediaMoved</c> is replaced by a new one that offers again.</summary>
internal sealed class MediaClient(HubConnection hub, AppointmentId appointment, string name) : IAsyncDisposable
{
    private readonly ConcurrentQueue<Guid> moved = new();
    private int generation;

    public HubConnection Hub { get; private set; } = hub;

    public WebRtcTestPeer? Peer { get; private set; }

    public string? LastAnswer { get; private set; }

    public IReadOnlyCollection<Guid> Moves => moved;

    public void Listen()
    {
        Hub.On<Guid, string>("Offer", (id, sdp) =>
        {
            if (id == appointment.Value && Peer is { } peer)
            {
                _ = Hub.InvokeAsync("SendAnswer", id, peer.AnswerOffer(sdp));
            }
        });
        Hub.On<Guid>("MediaMoved", id => moved.Enqueue(id));
    }

    /// <summary>A new peer connection: offer through the hub, connect to the media address in the answer.</summary>
    public async Task StartMediaAsync()
    {
        if (Peer is { } old)
        {
            await old.DisposeAsync();
        }
        var peer = WebRtcTestPeer.Create($"{name}-{++generation}");
        Peer = peer;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        LastAnswer = await Hub.InvokeAsync<string>("SendOffer", appointment.Value, peer.CreateOffer(), timeout.Token);
        await peer.ConnectAsync(LastAnswer, timeout.Token);
    }

    /// <summary>The UDP port of the answer's host candidate: which node's media socket this client talks to.</summary>
    public int AnsweredPort()
    {
        var line = (LastAnswer ?? "").Split("\r\n").First(l => l.StartsWith("a=candidate:", StringComparison.Ordinal) && l.Contains(" udp ", StringComparison.OrdinalIgnoreCase));
        return int.Parse(line.Split(' ')[5], System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (Peer is { } peer)
        {
            await peer.DisposeAsync();
        }
    }

    /// <summary>Publishes short bursts until each of the two receives the other's audio and video, bounded.</summary>
    public static async Task<bool> ExchangeMediaAsync(MediaClient a, MediaClient b, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            var pa = a.Peer!;
            var pb = b.Peer!;
            await Task.WhenAll(pa.PublishAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None), pb.PublishAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None));
            if (Receives(pa, pb) && Receives(pb, pa))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Receives(WebRtcTestPeer receiver, WebRtcTestPeer publisher) =>
        receiver.Stream(publisher.AudioSsrc)?.Packets > 0 && receiver.Stream(publisher.VideoSsrc)?.Packets > 0;
}
