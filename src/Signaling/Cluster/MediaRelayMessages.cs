using System.Text.Json.Serialization;

namespace Doctolib.Telehealth.Signaling.Cluster;

/// <summary>A media call relayed to the room's node over Redis (channel <c>telehealth:media:{node}</c>). An
/// <c>admitted</c> call may carry the room's audio-only choices (<see cref="AudioOnlyParticipants"/>), which the node
/// applies with the admitted set: a room moved to a new node keeps them.</summary>
internal sealed record MediaRequest(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("replyTo")] string ReplyTo,
    [property: JsonPropertyName("op")] string Op,
    [property: JsonPropertyName("room")] string Room,
    [property: JsonPropertyName("participant")] string? Participant = null,
    [property: JsonPropertyName("sdp")] string? Sdp = null,
    [property: JsonPropertyName("participants")] IReadOnlyList<string>? Participants = null,
    [property: JsonPropertyName("audioOnly")] bool AudioOnly = false,
    [property: JsonPropertyName("audioOnlyParticipants")] IReadOnlyList<string>? AudioOnlyParticipants = null)
{
    public const string Offer = "offer";
    public const string Answer = "answer";
    public const string Admitted = "admitted";
    public const string Close = "close";
    public const string CloseRoom = "close_room";
    public const string SetAudioOnly = "audio_only";
}

/// <summary>The room node's reply (channel <c>telehealth:media-reply:{caller}</c>). <see cref="Error"/> is
/// <c>invalid_sdp</c> (the plane refused the SDP; <see cref="Message"/> says why), <c>moved</c> (this node has handed the
/// room to another node: route the call again) or <c>failed</c>.</summary>
internal sealed record MediaReply(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("answer")] string? Answer,
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("message")] string? Message)
{
    public const string InvalidSdp = "invalid_sdp";
    public const string Failed = "failed";
    public const string Moved = "moved";
}
