using System.Collections.Concurrent;
using System.Text.Json;
using Doctolib.Telehealth.Media;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>Request/reply over Redis pub/sub: a media call for a room placed on another node goes to that node's
/// channel <c>telehealth:media:{node}</c>, which runs it on its own plane and publishes the result to the caller's
/// <c>telehealth:media-reply:{node}</c>. Requests for one room are handled one at a time, in order; requests for
/// different rooms run side by side (a drain hands many rooms to one node at once). A refusal of the plane
/// (<see cref="MediaNegotiationException"/>) comes back as the same exception; no answer within
/// <c>Node:RequestTimeout</c> is a <see cref="MediaNodeUnavailableException"/>.</summary>
internal sealed partial class MediaRelay(
    NodeIdentity node,
    NodeRegistry registry,
    LocalMediaPlane local,
    MovingRooms moving,
    IOptions<NodeOptions> options,
    TimeProvider time,
    ILogger<MediaRelay> logger)
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource<MediaReply>> pending = new();
    private readonly Dictionary<string, Task> roomTails = new(StringComparer.Ordinal);

    private static RedisChannel Requests(string nodeId) => NodeRegistry.MediaRequestChannel(nodeId);

    private static RedisChannel Replies(string nodeId) => RedisChannel.Literal("telehealth:media-reply:" + nodeId);

    public async Task StartAsync()
    {
        var subscriber = registry.Redis.GetSubscriber();
        (await subscriber.SubscribeAsync(Requests(node.Id))).OnMessage(message => Enqueue(message.Message));
        (await subscriber.SubscribeAsync(Replies(node.Id))).OnMessage(message => HandleReply(message.Message));
    }

    /// <summary>Runs <paramref name="request"/> on <paramref name="target"/>: here if it is this node, else over Redis.</summary>
    public async Task<string?> CallAsync(string target, MediaRequest request, CancellationToken cancellationToken)
    {
        if (target == node.Id)
        {
            return await RunLocallyAsync(request, cancellationToken);
        }
        var completion = new TaskCompletionSource<MediaReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[request.Id] = completion;
        try
        {
            var receivers = await registry.Redis.GetSubscriber().PublishAsync(Requests(target), JsonSerializer.Serialize(request));
            if (receivers == 0)
            {
                throw new MediaNodeUnavailableException($"The room's media node {target} is not listening; try again in a few seconds.");
            }
            MediaReply reply;
            try
            {
                reply = await completion.Task.WaitAsync(options.Value.RequestTimeout, cancellationToken);
            }
            catch (TimeoutException)
            {
                NoAnswer(logger, target, request.Op, request.Room);
                throw new MediaNodeUnavailableException($"The room's media node {target} did not answer in time; try again.");
            }
            return reply.Error switch
            {
                null => reply.Answer,
                MediaReply.InvalidSdp => throw new MediaNegotiationException(reply.Message ?? "The media node refused the SDP."),
                MediaReply.Moved => throw new RoomMovedAwayException(request.Room, target),
                _ => throw new MediaNodeUnavailableException($"The room's media node {target} could not carry out the call; try again."),
            };
        }
        catch (RedisException error)
        {
            RedisFailed(logger, request.Op, error);
            throw new MediaNodeUnavailableException("The nodes cannot reach each other (Redis); try again.");
        }
        finally
        {
            pending.TryRemove(request.Id, out _);
        }
    }

    /// <summary>Hands <paramref name="request"/> to <paramref name="target"/> without waiting for it to be carried out:
    /// done once Redis has taken the message and the node listens. Order holds all the same: Redis delivers the
    /// messages of a node's channel in the order it took them and the node runs a room's requests in that order, so a
    /// call made after this one (from any node) runs after it. A failure there is logged when its reply comes; a node
    /// that has handed the room on (<c>moved</c>) gets <paramref name="onMoved"/> run, to send the call again.</summary>
    public async Task PostAsync(string target, MediaRequest request, Func<Task> onMoved, CancellationToken cancellationToken)
    {
        if (target == node.Id)
        {
            await RunLocallyAsync(request, cancellationToken);
            return;
        }
        var completion = new TaskCompletionSource<MediaReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[request.Id] = completion;
        long receivers;
        try
        {
            receivers = await registry.Redis.GetSubscriber().PublishAsync(Requests(target), JsonSerializer.Serialize(request));
        }
        catch (RedisException error)
        {
            pending.TryRemove(request.Id, out _);
            RedisFailed(logger, request.Op, error);
            throw new MediaNodeUnavailableException("The nodes cannot reach each other (Redis); try again.");
        }
        if (receivers == 0)
        {
            pending.TryRemove(request.Id, out _);
            throw new MediaNodeUnavailableException($"The room's media node {target} is not listening; try again in a few seconds.");
        }
        _ = WatchReplyAsync(target, request, completion, onMoved);
    }

    private async Task WatchReplyAsync(string target, MediaRequest request, TaskCompletionSource<MediaReply> completion, Func<Task> onMoved)
    {
        try
        {
            var reply = await completion.Task.WaitAsync(options.Value.RequestTimeout);
            if (reply.Error == MediaReply.Moved)
            {
                await onMoved();
            }
            else if (reply.Error is not null)
            {
                PostFailed(logger, request.Op, request.Room, target, reply.Error);
            }
        }
        catch (TimeoutException)
        {
            NoAnswer(logger, target, request.Op, request.Room);
        }
        finally
        {
            pending.TryRemove(request.Id, out _);
        }
    }

    /// <summary>Queues the request behind the earlier ones of its room (and of no other room).</summary>
    private void Enqueue(RedisValue message)
    {
        MediaRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<MediaRequest>(message.ToString());
        }
        catch (JsonException)
        {
            return;
        }
        if (request is null)
        {
            return;
        }
        lock (roomTails)
        {
            var before = roomTails.GetValueOrDefault(request.Room) ?? Task.CompletedTask;
            var tail = HandleAfterAsync(before, request);
            roomTails[request.Room] = tail;
            _ = tail.ContinueWith(done =>
            {
                lock (roomTails)
                {
                    if (roomTails.TryGetValue(request.Room, out var last) && last == done)
                    {
                        roomTails.Remove(request.Room);
                    }
                }
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task HandleAfterAsync(Task before, MediaRequest request)
    {
        await before.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.Yield();
        await HandleRequestAsync(request);
    }

    private async Task HandleRequestAsync(MediaRequest request)
    {
        MediaReply reply;
        var started = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(options.Value.RequestTimeout);
        try
        {
            reply = new MediaReply(request.Id, await RunLocallyAsync(request, timeout.Token), null, null);
        }
        catch (MediaNegotiationException refused)
        {
            reply = new MediaReply(request.Id, null, MediaReply.InvalidSdp, refused.Message);
        }
        catch (RoomMovedAwayException)
        {
            reply = new MediaReply(request.Id, null, MediaReply.Moved, null);
        }
        catch (Exception error)
        {
            RequestFailed(logger, request.Op, request.Room, error);
            reply = new MediaReply(request.Id, null, MediaReply.Failed, null);
        }
        Handled(logger, request.Op, request.Room, request.ReplyTo, time.GetElapsedTime(started).TotalMilliseconds);
        try
        {
            await registry.Redis.GetSubscriber().PublishAsync(Replies(request.ReplyTo), JsonSerializer.Serialize(reply));
        }
        catch (RedisException error)
        {
            RedisFailed(logger, request.Op, error);
        }
    }

    private void HandleReply(RedisValue message)
    {
        try
        {
            if (JsonSerializer.Deserialize<MediaReply>(message.ToString()) is { } reply && pending.TryGetValue(reply.Id, out var completion))
            {
                completion.TrySetResult(reply);
            }
        }
        catch (JsonException)
        {
        }
    }

    /// <summary>Runs the call on this node's plane, unless this node has handed the room to another (a drain): its old
    /// sessions there only bridge the clients' move, the call belongs to the new node.</summary>
    private async Task<string?> RunLocallyAsync(MediaRequest request, CancellationToken cancellationToken)
    {
        if (moving.Contains(request.Room))
        {
            throw new RoomMovedAwayException(request.Room, node.Id);
        }
        var plane = local.Plane;
        switch (request.Op)
        {
            case MediaRequest.Offer:
                return await plane.AcceptOfferAsync(new MediaParticipant(request.Room, request.Participant!), request.Sdp!, cancellationToken);
            case MediaRequest.Answer:
                await plane.AcceptAnswerAsync(new MediaParticipant(request.Room, request.Participant!), request.Sdp!, cancellationToken);
                return null;
            case MediaRequest.Admitted:
                await plane.SetAdmittedAsync(request.Room, request.Participants ?? [], cancellationToken);
                foreach (var participant in request.AudioOnlyParticipants ?? [])
                {
                    await plane.SetAudioOnlyAsync(new MediaParticipant(request.Room, participant), true, cancellationToken);
                }
                return null;
            case MediaRequest.Close:
                await plane.CloseAsync(new MediaParticipant(request.Room, request.Participant!), cancellationToken);
                return null;
            case MediaRequest.CloseRoom:
                await plane.CloseRoomAsync(request.Room, cancellationToken);
                return null;
            case MediaRequest.SetAudioOnly:
                await plane.SetAudioOnlyAsync(new MediaParticipant(request.Room, request.Participant!), request.AudioOnly, cancellationToken);
                return null;
            default:
                throw new InvalidOperationException($"Unknown relayed media call '{request.Op}'.");
        }
    }

    [LoggerMessage(2103, LogLevel.Debug, "Relayed media call {Op} for room {Room} from node {Caller} ran here in {Ms:0.0} ms")]
    private static partial void Handled(ILogger logger, string op, string room, string caller, double ms);

    [LoggerMessage(2104, LogLevel.Warning, "A media call {Op} for room {Room} posted to node {Node} failed there ({Error})")]
    private static partial void PostFailed(ILogger logger, string op, string room, string node, string error);

    [LoggerMessage(2100, LogLevel.Warning, "Media node {Node} did not answer {Op} for room {Room} in time")]
    private static partial void NoAnswer(ILogger logger, string node, string op, string room);

    [LoggerMessage(2101, LogLevel.Error, "A relayed media call {Op} for room {Room} failed on this node")]
    private static partial void RequestFailed(ILogger logger, string op, string room, Exception error);

    [LoggerMessage(2102, LogLevel.Warning, "Redis failed while relaying a media call {Op}")]
    private static partial void RedisFailed(ILogger logger, string op, Exception error);
}
