using System.Collections.Concurrent;
using Doctolib.Telehealth.Media;
using Doctolib.Telehealth.Rooms;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>This node's life among several. At start: connect to Redis, listen for relayed media calls, register, and
/// place again the rooms this node held in its previous run. Every heartbeat interval, on two loops so that a slow
/// sweep never delays the heartbeat: renew the registry entry; and give the participants of dead nodes the reconnect
/// grace and move dead nodes' rooms (the client of each gets
/// <c>MediaMoved</c>); a node is dead when its entry expired, or sooner when it is silent (heartbeat older than
/// <c>Node:SilentAfter</c> and nobody listening on its media channel). On SIGTERM (before the web server stops): drain —
/// state <c>draining</c>, each room handed to another serving node (make-before-break: this node's sessions keep
/// relaying, uncounted, until every participant they relayed has media up on another node, or the clients have left
/// them, or <c>Node:MoveOverlap</c> passes), within <c>Node:DrainTimeout</c>.</summary>
internal sealed partial class ClusterNodeService(
    NodeRegistry registry,
    MediaRelay relay,
    RoomRouter router,
    IRoomPlacements placements,
    NodeIdentity node,
    LocalMediaPlane local,
    MovingRooms moving,
    PlacementCache cache,
    ClusterMediaObserver observer,
    MediaUpNotices notices,
    IMediaMetrics metrics,
    IOptions<NodeOptions> options,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<ClusterNodeService> logger) : BackgroundService, IHostedLifecycleService
{
    /// <summary>After the last participant's media is up on its new node: the old sessions' packets still on their way
    /// to the clients arrive, and the pages see their new connections receive, before this node's sessions close.</summary>
    private static readonly TimeSpan InFlight = TimeSpan.FromMilliseconds(300);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await registry.ConnectAsync(configuration["Redis:Configuration"]!);
        await cache.StartAsync(registry.Redis);
        notices.Start(registry.Redis);
        await relay.StartAsync();
        await registry.HeartbeatAsync();
        Registered(logger, node.Id);
        var live = await registry.LiveAsync();
        foreach (var room in await placements.RoomsOnAsync([node.Id], cancellationToken))
        {
            await router.MoveAsync(room, node.Id, "server_restart", live, mayStay: true, cancellationToken);
        }
        await base.StartAsync(cancellationToken);
    }

    /// <summary>The heartbeat and the take-over sweep run on loops of their own: a sweep held up (a move waiting for
    /// the new node's reply, up to <c>Node:RequestTimeout</c>, or a slow database) must not hold the heartbeat past
    /// <c>Node:DeadAfter</c>, or the other nodes would find this live node dead and take its participants and rooms.</summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(EveryHeartbeatAsync(registry.HeartbeatAsync, stoppingToken), EveryHeartbeatAsync(() => SweepAsync(stoppingToken), stoppingToken));

    private async Task EveryHeartbeatAsync(Func<Task> work, CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(options.Value.HeartbeatInterval, time, stoppingToken);
                try
                {
                    await work();
                }
                catch (Exception error) when (error is RedisException or Npgsql.NpgsqlException or TimeoutException or MediaNodeUnavailableException)
                {
                    SweepFailed(logger, error);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Takes over from dead nodes. Skipped when this node cannot see itself in the registry: a node cut off
    /// from Redis must not declare every other node dead.</summary>
    internal async Task SweepAsync(CancellationToken cancellationToken)
    {
        var live = await registry.LiveAsync();
        if (!live.Any(n => n.Id == node.Id))
        {
            return;
        }
        var silent = await registry.SilentAsync(live);
        if (silent.Count > 0)
        {
            live = [.. live.Where(n => !silent.Contains(n.Id))];
        }
        var ids = live.Select(n => n.Id).ToList();
        await placements.ReleaseParticipantsOffAsync(ids, cancellationToken);
        foreach (var (room, dead) in await placements.RoomsOffAsync(ids, cancellationToken))
        {
            await router.MoveAsync(room, dead, "node_lost", live, mayStay: false, cancellationToken);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (options.Value.DrainTimeout <= TimeSpan.Zero)
        {
            return;
        }
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(options.Value.DrainTimeout);
        try
        {
            await DrainAsync(bounded.Token);
        }
        catch (Exception error) when (error is OperationCanceledException or RedisException or Npgsql.NpgsqlException or TimeoutException)
        {
            DrainCut(logger, error);
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        await registry.DrainAsync();
        var live = await registry.LiveAsync();
        var rooms = await placements.RoomsOnAsync([node.Id], cancellationToken);
        Draining(logger, node.Id, rooms.Count);
        if (rooms.Count == 0 || RoomRouter.Choose(live, exclude: node.Id) is null)
        {
            return;
        }
        // Make-before-break: each room is handed over first (placement, admitted set, MediaMoved), and this node's
        // sessions keep relaying meanwhile. From the hand-over this node writes nothing for the room (the move ends its
        // open intervals at the last relay mark; the new node's first relayed packet opens the next ones), so the
        // overlap is never counted twice. The node waits until every participant it relayed has media up on another
        // node (their clients have renegotiated), or its sessions have all ended, or Node:MoveOverlap has passed.
        var waiting = new ConcurrentDictionary<MediaParticipant, byte>();
        foreach (var room in rooms)
        {
            foreach (var participant in observer.LiveIn(room.ToString()))
            {
                waiting[new MediaParticipant(room.ToString(), participant)] = 0;
            }
        }
        await using (await notices.WatchAsync((room, participant, on) =>
        {
            if (on != node.Id)
            {
                waiting.TryRemove(new MediaParticipant(room, participant), out _);
            }
        }))
        {
            await Task.WhenAll(rooms.Select(room => HandOverAsync(room, live, cancellationToken)));
            await WaitForTheMoveAsync(waiting, cancellationToken);
        }
        foreach (var room in rooms)
        {
            await local.Plane.CloseRoomAsync(room.ToString(), cancellationToken);
        }
        Drained(logger, node.Id, rooms.Count);
    }

    private async Task HandOverAsync(AppointmentId room, IReadOnlyList<NodeRecord> live, CancellationToken cancellationToken)
    {
        moving.Add(room.ToString());
        await router.MoveAsync(room, node.Id, ClusterMediaObserver.MovedReason, live, mayStay: false, cancellationToken);
    }

    /// <summary>A client that follows the contract closes its old peer connection on MediaMoved; the pages close theirs
    /// once the new one receives media. So the old sessions have done their part when every participant they relayed has
    /// media up on the room's new node (plus <see cref="InFlight"/> for the packets still on their way), or when they
    /// have all ended (DTLS close, consent lapse); the rest end at the bound.</summary>
    private async Task WaitForTheMoveAsync(ConcurrentDictionary<MediaParticipant, byte> waiting, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        while (time.GetElapsedTime(started) < options.Value.MoveOverlap)
        {
            if (metrics.Snapshot().Sessions == 0)
            {
                return;
            }
            if (waiting.IsEmpty)
            {
                MovedEarly(logger, node.Id, time.GetElapsedTime(started).TotalSeconds);
                await Task.Delay(InFlight, time, cancellationToken);
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), time, cancellationToken);
        }
    }

    [LoggerMessage(2130, LogLevel.Information, "Node {Node} registered")]
    private static partial void Registered(ILogger logger, string node);

    [LoggerMessage(2131, LogLevel.Warning, "The node's heartbeat or take-over sweep failed; it will retry")]
    private static partial void SweepFailed(ILogger logger, Exception error);

    [LoggerMessage(2132, LogLevel.Information, "Node {Node} draining: {Count} rooms to move")]
    private static partial void Draining(ILogger logger, string node, int count);

    [LoggerMessage(2133, LogLevel.Information, "Node {Node} drained: {Count} rooms moved")]
    private static partial void Drained(ILogger logger, string node, int count);

    [LoggerMessage(2135, LogLevel.Information, "Node {Node}: every moved participant has media up on another node after {Seconds:0.00} s")]
    private static partial void MovedEarly(ILogger logger, string node, double seconds);

    [LoggerMessage(2134, LogLevel.Warning, "The drain was cut short (Node:DrainTimeout or an error)")]
    private static partial void DrainCut(ILogger logger, Exception error);
}
