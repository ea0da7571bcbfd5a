using Doctolib.Telehealth.Media;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>The <see cref="IMediaPlane"/> of a node among several: each call runs on the room's node, here on the local
/// plane or there through <see cref="MediaRelay"/>. Offers, answers and the audio-only choice are tried again (every half
/// second, within <c>Node:RequestTimeout</c>) while the room's node does not listen: a node that died is found silent
/// and the room placed again at once, so a call made during a dead node's heartbeat window lands on the new node. They
/// fail with the typed error only when that bound passes. Admission and closing calls are logged and dropped then (a move
/// sends the admitted set again, and a dead node's sessions are gone with it).</summary>
internal sealed partial class RoutedMediaPlane(
    NodeIdentity node,
    RoomRouter router,
    MediaRelay relay,
    AudioOnlyChoices audioOnlyChoices,
    IOptions<NodeOptions> options,
    TimeProvider time,
    ILogger<RoutedMediaPlane> logger) : IMediaPlane
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MovedRetryDelay = TimeSpan.FromMilliseconds(20);

    public async Task<string> AcceptOfferAsync(MediaParticipant participant, string offerSdp, CancellationToken cancellationToken) =>
        await CallWithRetryAsync(Request(MediaRequest.Offer, participant.RoomId, participant.ParticipantId, offerSdp), cancellationToken)
            ?? throw new MediaNodeUnavailableException("The room's media node gave no answer.");

    public Task AcceptAnswerAsync(MediaParticipant participant, string answerSdp, CancellationToken cancellationToken) =>
        CallWithRetryAsync(Request(MediaRequest.Answer, participant.RoomId, participant.ParticipantId, answerSdp), cancellationToken);

    /// <summary>The participant's audio-only choice is kept by the room's node, whose forwarder applies it, and in Redis
    /// so that a move carries it to the next node; when the room's node does not answer the caller gets the typed error
    /// (the choice is the user's, it is not dropped silently).</summary>
    public async Task SetAudioOnlyAsync(MediaParticipant participant, bool audioOnly, CancellationToken cancellationToken)
    {
        await CallWithRetryAsync(Request(MediaRequest.SetAudioOnly, participant.RoomId, participant.ParticipantId, null) with { AudioOnly = audioOnly }, cancellationToken);
        await RedisAsync(participant.RoomId, () => audioOnlyChoices.SetAsync(participant.RoomId, participant.ParticipantId, audioOnly));
    }

    public async Task SetAdmittedAsync(string roomId, IReadOnlyCollection<string> participantIds, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> choices = [];
        await RedisAsync(roomId, async () => choices = await audioOnlyChoices.OfAsync(roomId));
        // Posted, not awaited to the end: the room's node runs the room's calls in order, so an offer that follows runs
        // after it; this saves a join or an admission the wait for the room node's reply.
        await BestEffortAsync(roomId, place: true, new MediaRequest(Guid.NewGuid(), node.Id, MediaRequest.Admitted, roomId,
            Participants: [.. participantIds], AudioOnlyParticipants: [.. choices.Where(participantIds.Contains)]), cancellationToken, post: true);
    }

    public async Task CloseAsync(MediaParticipant participant, CancellationToken cancellationToken)
    {
        await BestEffortAsync(participant.RoomId, place: false, Request(MediaRequest.Close, participant.RoomId, participant.ParticipantId, null), cancellationToken);
        await RedisAsync(participant.RoomId, () => audioOnlyChoices.ForgetAsync(participant.RoomId, participant.ParticipantId));
    }

    public async Task CloseRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        await BestEffortAsync(roomId, place: false, Request(MediaRequest.CloseRoom, roomId, null, null), cancellationToken);
        await RedisAsync(roomId, () => audioOnlyChoices.ForgetRoomAsync(roomId));
    }

    private MediaRequest Request(string op, string roomId, string? participantId, string? sdp) =>
        new(Guid.NewGuid(), node.Id, op, roomId, participantId, sdp);

    /// <summary>Runs the call on the room's node; while that node does not take it, asks again (a new request id each
    /// time) until <c>Node:RequestTimeout</c> has passed, naming the failed node as a suspect so that the routing finds
    /// it lost as soon as it is silent. A node that has handed the room on (a drain) sends the call to the room's new
    /// node at once. A refusal of the SDP is final.</summary>
    private async Task<string?> CallWithRetryAsync(MediaRequest request, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        string? suspect = null;
        var fresh = false;
        while (true)
        {
            var routing = time.GetTimestamp();
            var target = await RouteAsync(request.Room, place: true, suspect, fresh, cancellationToken) ?? node.Id;
            try
            {
                var calling = time.GetTimestamp();
                var answer = await relay.CallAsync(target, request with { Id = Guid.NewGuid() }, cancellationToken);
                Timed(logger, request.Op, request.Room, target, time.GetElapsedTime(routing, calling).TotalMilliseconds, time.GetElapsedTime(calling).TotalMilliseconds);
                return answer;
            }
            catch (MediaNodeUnavailableException) when (time.GetElapsedTime(started) + RetryDelay < options.Value.RequestTimeout)
            {
                Retrying(logger, request.Op, request.Room, target);
                (suspect, fresh) = (target, true);
                await Task.Delay(RetryDelay, time, cancellationToken);
            }
            catch (RoomMovedAwayException) when (time.GetElapsedTime(started) + MovedRetryDelay < options.Value.RequestTimeout)
            {
                MovedAway(logger, request.Op, request.Room, target);
                (suspect, fresh) = (null, true);
                await Task.Delay(MovedRetryDelay, time, cancellationToken);
            }
            catch (RoomMovedAwayException)
            {
                throw new MediaNodeUnavailableException("The room is moving to another media node; try again.");
            }
        }
    }

    private async Task<string?> RouteAsync(string roomId, bool place, string? suspect, bool fresh, CancellationToken cancellationToken)
    {
        try
        {
            return await router.NodeForAsync(roomId, place, cancellationToken, suspect, fresh);
        }
        catch (RedisException error)
        {
            RouteFailed(logger, roomId, error);
            throw new MediaNodeUnavailableException("The node registry (Redis) cannot be reached; try again.");
        }
    }

    private async Task BestEffortAsync(string roomId, bool place, MediaRequest request, CancellationToken cancellationToken, bool post = false)
    {
        try
        {
            var routing = time.GetTimestamp();
            var target = await RouteAsync(roomId, place, suspect: null, fresh: false, cancellationToken);
            // A closing call for a room with no live placement still reaches this node's plane: its sessions, if any, go.
            var calling = time.GetTimestamp();
            if (post)
            {
                await relay.PostAsync(target ?? node.Id, request, () =>
                {
                    router.Forget(roomId);
                    return BestEffortOnceMoreAsync(roomId, place, request, CancellationToken.None);
                }, cancellationToken);
            }
            else
            {
                await relay.CallAsync(target ?? node.Id, request, cancellationToken);
            }
            Timed(logger, request.Op, roomId, target ?? node.Id, time.GetElapsedTime(routing, calling).TotalMilliseconds, time.GetElapsedTime(calling).TotalMilliseconds);
        }
        catch (RoomMovedAwayException)
        {
            // Routed once more from PostgreSQL: the room's new node takes it.
            router.Forget(roomId);
            await BestEffortOnceMoreAsync(roomId, place, request, cancellationToken);
        }
        catch (MediaNodeUnavailableException)
        {
            router.Forget(roomId);
            Dropped(logger, request.Op, roomId);
        }
    }

    private async Task BestEffortOnceMoreAsync(string roomId, bool place, MediaRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var target = await RouteAsync(roomId, place, suspect: null, fresh: true, cancellationToken);
            await relay.CallAsync(target ?? node.Id, request with { Id = Guid.NewGuid() }, cancellationToken);
        }
        catch (Exception error) when (error is MediaNodeUnavailableException or RoomMovedAwayException)
        {
            Dropped(logger, request.Op, roomId);
        }
    }

    /// <summary>The audio-only bookkeeping in Redis: a failure is logged, never the caller's error (the room's node has
    /// the choice already; only a later move would miss it).</summary>
    private async Task RedisAsync(string roomId, Func<Task> write)
    {
        try
        {
            await write();
        }
        catch (RedisException error)
        {
            RouteFailed(logger, roomId, error);
        }
    }

    [LoggerMessage(2124, LogLevel.Information, "Media call {Op} for room {Room}: node {Node} has handed the room on, routing it again")]
    private static partial void MovedAway(ILogger logger, string op, string room, string node);

    [LoggerMessage(2123, LogLevel.Debug, "Media call {Op} for room {Room} ran on node {Node}: routing {RouteMs:0.0} ms, call {CallMs:0.0} ms")]
    private static partial void Timed(ILogger logger, string op, string room, string node, double routeMs, double callMs);

    [LoggerMessage(2120, LogLevel.Warning, "Media call {Op} for room {Room} dropped: its node did not answer")]
    private static partial void Dropped(ILogger logger, string op, string room);

    [LoggerMessage(2121, LogLevel.Warning, "Routing a media call for room {Room} failed")]
    private static partial void RouteFailed(ILogger logger, string room, Exception error);

    [LoggerMessage(2122, LogLevel.Information, "Media call {Op} for room {Room}: node {Node} did not take it, trying again")]
    private static partial void Retrying(ILogger logger, string op, string room, string node);
}
