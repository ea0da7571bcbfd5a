using System.Diagnostics;
using System.Text.Json;
using Doctolib.Telehealth.Media.Testing;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Doctolib.Telehealth.Nodes.Bench;

/// <summary>A participant as our pages behave: a hub connection to one node (WebSockets, no negotiate, as through a
/// load balancer), a WebRTC test peer that publishes at a steady rate, answers the server's offers, and on
/// <c>MediaMoved</c> builds a new peer before retiring the old one once the new one receives media (or after 6 s). When
/// its hub node goes away it connects to another running node, joins again and offers with a new peer.</summary>
internal sealed class BenchClient(BenchCluster cluster, Guid appointment, string subject, string token, string node) : IAsyncDisposable
{
    private static readonly TimeSpan MoveOverlap = TimeSpan.FromSeconds(6);
    private readonly SemaphoreSlim media = new(1, 1);
    private readonly List<WebRtcTestPeer> peers = [];
    private readonly CancellationTokenSource stop = new();
    private HubConnection? hub;
    private WebRtcTestPeer? previous;
    private int generation;
    private Task? ticker;

    public string Subject { get; } = subject;

    public string HubNode { get; private set; } = node;

    public WebRtcTestPeer? Peer { get; private set; }

    public int Moves { get; private set; }

    /// <summary>The last SendOffer's round trip, and the ICE and DTLS that followed, in ms.</summary>
    public double OfferMs { get; private set; }

    public double ConnectMs { get; private set; }

    public int Reconnects { get; private set; }

    /// <summary>Since the last SendOffer was invoked: when the server's first re-offer arrived and when its answer
    /// (SendAnswer) returned, in ms (NaN until then).</summary>
    public double ReOfferMs { get; private set; } = double.NaN;

    public double AnsweredMs { get; private set; } = double.NaN;

    private readonly Stopwatch offerClock = new();

    public List<string> Errors { get; } = [];

    public HubConnection Hub => hub ?? throw new InvalidOperationException("Not connected.");

    /// <summary>Packets received from anyone, over every peer this client has had.</summary>
    public long Received
    {
        get
        {
            lock (peers)
            {
                return peers.Sum(p => p.Streams.Sum(s => s.Packets));
            }
        }
    }

    public async Task ConnectAsync()
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(cluster[HubNode].BaseAddress, "/hubs/consultation"), options =>
            {
                options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                options.SkipNegotiation = true;
                options.Transports = HttpTransportType.WebSockets;
            })
            .Build();
        connection.On<Guid, string>("Offer", (id, sdp) =>
        {
            if (id == appointment && Peer is { } peer)
            {
                var first = double.IsNaN(ReOfferMs);
                if (first)
                {
                    ReOfferMs = offerClock.Elapsed.TotalMilliseconds;
                }
                _ = SafeAsync(async () =>
                {
                    await connection.InvokeAsync("SendAnswer", id, peer.AnswerOffer(sdp));
                    if (first)
                    {
                        AnsweredMs = offerClock.Elapsed.TotalMilliseconds;
                    }
                });
            }
        });
        connection.On<Guid>("MediaMoved", id =>
        {
            if (id == appointment)
            {
                _ = SafeAsync(MoveAsync);
            }
        });
        connection.Closed += closedBy =>
        {
            if (!stop.IsCancellationRequested && ReferenceEquals(hub, connection))
            {
                _ = SafeAsync(ReconnectAsync);
            }
            return Task.CompletedTask;
        };
        await connection.StartAsync();
        hub = connection;
    }

    public Task<JsonElement> JoinAsync() => Hub.InvokeAsync<JsonElement>("Join", appointment);

    /// <summary>Publishes one tick (audio and video) every <paramref name="interval"/> on the current peer and on the one
    /// a move is retiring.</summary>
    public void StartPublishing(TimeSpan interval)
    {
        ticker = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                foreach (var peer in new[] { Peer, previous })
                {
                    if (peer is { IsConnected: true })
                    {
                        try
                        {
                            peer.SendTick();
                        }
                        catch (Exception error) when (error is ObjectDisposedException or System.Net.Sockets.SocketException or InvalidOperationException)
                        {
                        }
                    }
                }
            }
        });
    }

    /// <summary>Closes the current peer (if any), then offers with a new one: the contract after a reconnect.</summary>
    public async Task StartMediaAsync()
    {
        await media.WaitAsync();
        try
        {
            if (Peer is { } old)
            {
                Peer = null;
                await old.DisposeAsync();
            }
            await OfferNewPeerAsync();
        }
        finally
        {
            media.Release();
        }
    }

    /// <summary>MediaMoved, as our pages do it: the new peer first, the old one retired once the new one receives.</summary>
    private async Task MoveAsync()
    {
        await media.WaitAsync();
        try
        {
            Moves++;
            previous = Peer;
            await OfferNewPeerAsync();
        }
        finally
        {
            media.Release();
        }
        var fresh = Peer;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < MoveOverlap && fresh is not null && !fresh.Streams.Any(s => s.Packets > 0))
        {
            await Task.Delay(20);
        }
        if (previous is { } retired && !ReferenceEquals(retired, Peer))
        {
            previous = null;
            await retired.DisposeAsync();
        }
    }

    private async Task OfferNewPeerAsync()
    {
        var peer = WebRtcTestPeer.Create($"{Subject}-{++generation}");
        lock (peers)
        {
            peers.Add(peer);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var clock = Stopwatch.StartNew();
        ReOfferMs = double.NaN;
        AnsweredMs = double.NaN;
        offerClock.Restart();
        var answer = await Hub.InvokeAsync<string>("SendOffer", appointment, peer.CreateOffer(), timeout.Token);
        OfferMs = clock.Elapsed.TotalMilliseconds;
        Peer = peer;
        await peer.ConnectAsync(answer, timeout.Token);
        ConnectMs = clock.Elapsed.TotalMilliseconds - OfferMs;
    }

    /// <summary>Moves the hub connection to <paramref name="node"/> (as a reload through the load balancer might):
    /// Join there, then a new peer.</summary>
    public async Task SwitchHubAsync(string node)
    {
        var old = hub;
        hub = null;
        if (old is not null)
        {
            await old.DisposeAsync();
        }
        HubNode = node;
        await ConnectAsync();
        await JoinAsync();
        await StartMediaAsync();
    }

    /// <summary>The hub's node went away: another running node, as a load balancer would pick; Join, then a new peer.</summary>
    private async Task ReconnectAsync()
    {
        for (var attempt = 0; attempt < 60 && !stop.IsCancellationRequested; attempt++)
        {
            try
            {
                HubNode = cluster.AnyRunning(except: attempt == 0 ? HubNode : null).Id;
                await ConnectAsync();
                await JoinAsync();
                Reconnects++;
                await StartMediaAsync();
                return;
            }
            catch (Exception error) when (error is HttpRequestException or IOException or InvalidOperationException or HubException or TimeoutException or OperationCanceledException or System.Net.WebSockets.WebSocketException)
            {
                await Task.Delay(500);
            }
        }
    }

    private async Task SafeAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception error)
        {
            lock (Errors)
            {
                Errors.Add(error.GetType().Name + ": " + error.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        stop.Cancel();
        if (ticker is not null)
        {
            await ticker.ContinueWith(_ => { }, TaskScheduler.Default);
        }
        if (hub is not null)
        {
            await hub.DisposeAsync();
        }
        List<WebRtcTestPeer> all;
        lock (peers)
        {
            all = [.. peers];
        }
        foreach (var peer in all)
        {
            try
            {
                await peer.DisposeAsync();
            }
            catch (ObjectDisposedException)
            {
                // Retired by a move or a reconnect already.
            }
        }
    }
}
