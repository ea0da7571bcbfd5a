namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>A row of rooms.participants.</summary>
internal sealed class ParticipantRow
{
    public const string Columns =
        "participant_id AS ParticipantId, kind AS KindText, state AS StateText, admitted AS Admitted, connection_id AS ConnectionId, " +
        "joined_at AS JoinedAt, disconnected_at AS DisconnectedAt, left_at AS LeftAt";

    public string ParticipantId { get; init; } = "";
    public string KindText { get; init; } = "";
    public string StateText { get; init; } = "";
    public bool Admitted { get; init; }
    public string? ConnectionId { get; init; }
    public DateTime? JoinedAt { get; init; }
    public DateTime? DisconnectedAt { get; init; }
    public DateTime? LeftAt { get; init; }

    public ParticipantKind Kind => WireFormat.Parse<ParticipantKind>(KindText);

    public ParticipantState State => WireFormat.Parse<ParticipantState>(StateText);

    public bool IsPresent => State is ParticipantState.Waiting or ParticipantState.Admitted;

    public ParticipantView ToView() => new(new PersonId(ParticipantId), Kind, State, Admitted);
}
