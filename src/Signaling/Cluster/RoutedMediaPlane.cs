using Doctolib.Telehealth.Media;
using StackExchange.Redis;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>The <see cref="IMediaPlane"/> of a node among several: each call runs on the room's node, here on the local
/// plane or there through <see cref="MediaRelay"/>. Offers and answers fail with a typed error when the room's node does
/// not answer; admission and closing calls are logged and dropped then (a move sends the admitted set again, and a dead
/// node's sessions are gone with it).</summary>
internal sealed partial class RoutedMediaPlane(
    NodeIdentity node,
    RoomRouter router,
    MediaRelay relay,
    ILogger<RoutedMediaPlane> logger) : IMediaPlane
{
    public async Task<string> AcceptOfferAsync(MediaParticipant participant, string offerSdp, CancellationToken cancellationToken)
    {
        var target = await RouteAsync(participant.RoomId, place: true, cancellationToken) ?? node.Id;
        return await relay.CallAsync(target, Request(MediaRequest.Offer, participant.RoomId, participant.ParticipantId, offerSdp), cancellationToken)
            ?? throw new MediaNodeUnavailableException("The room's media node gave no answer.");
    }

    public async Task AcceptAnswerAsync(MediaParticipant participant, string answerSdp, CancellationToken cancellationToken)
    {
        var target = await RouteAsync(participant.RoomId, place: true, cancellationToken) ?? node.Id;
        await relay.CallAsync(target, Request(MediaRequest.Answer, participant.RoomId, participant.ParticipantId, answerSdp), cancellationToken);
    }

    /// <summary>The participant's audio-only choice is kept by the room's node, whose forwarder applies it; when that node
    /// does not answer the caller gets the typed error (the choice is the user's, it is not dropped silently).</summary>
    public async Task SetAudioOnlyAsync(MediaParticipant participant, bool audioOnly, CancellationToken cancellationToken)
    {
        var target = await RouteAsync(participant.RoomId, place: true, cancellationToken) ?? node.Id;
        await relay.CallAsync(target, Request(MediaRequest.SetAudioOnly, participant.RoomId, participant.ParticipantId, null) with { AudioOnly = audioOnly }, cancellationToken);
    }

    public Task SetAdmittedAsync(string roomId, IReadOnlyCollection<string> participantIds, CancellationToken cancellationToken) =>
        BestEffortAsync(roomId, place: true, new MediaRequest(Guid.NewGuid(), node.Id, MediaRequest.Admitted, roomId, Participants: [.. participantIds]), cancellationToken);

    public Task CloseAsync(MediaParticipant participant, CancellationToken cancellationToken) =>
        BestEffortAsync(participant.RoomId, place: false, Request(MediaRequest.Close, participant.RoomId, participant.ParticipantId, null), cancellationToken);

    public Task CloseRoomAsync(string roomId, CancellationToken cancellationToken) =>
        BestEffortAsync(roomId, place: false, Request(MediaRequest.CloseRoom, roomId, null, null), cancellationToken);

    private MediaRequest Request(string op, string roomId, string? participantId, string? sdp) =>
        new(Guid.NewGuid(), node.Id, op, roomId, participantId, sdp);

    private async Task<string?> RouteAsync(string roomId, bool place, CancellationToken cancellationToken)
    {
        try
        {
            return await router.NodeForAsync(roomId, place, cancellationToken);
        }
        catch (RedisException error)
        {
            RouteFailed(logger, roomId, error);
            throw new MediaNodeUnavailableException("The node registry (Redis) cannot be reached; try again.");
        }
    }

    private async Task BestEffortAsync(string roomId, bool place, MediaRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var target = await RouteAsync(roomId, place, cancellationToken);
            // A closing call for a room with no live placement still reaches this node's plane: its sessions, if any, go.
            await relay.CallAsync(target ?? node.Id, request, cancellationToken);
        }
        catch (MediaNodeUnavailableException)
        {
            Dropped(logger, request.Op, roomId);
        }
    }

    [LoggerMessage(2120, LogLevel.Warning, "Media call {Op} for room {Room} dropped: its node did not answer")]
    private static partial void Dropped(ILogger logger, string op, string room);

    [LoggerMessage(2121, LogLevel.Warning, "Routing a media call for room {Room} failed")]
    private static partial void RouteFailed(ILogger logger, string room, Exception error);
}
