namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>A row of rooms.participants.</summary>
internal sealed class ParticipantRow
{
    public const string Columns =
        "participant_id AS ParticipantId, kind AS Kind, state AS State, admitted AS Admitted, connection_id AS ConnectionId, " +
        "joined_at AS JoinedAt, disconnected_at AS DisconnectedAt, left_at AS LeftAt";

    public string ParticipantId { get; init; } = "";
    public string Kind { get; init; } = "";
    public string State { get; init; } = "";
    public bool Admitted { get; init; }
    public string? ConnectionId { get; init; }
    public DateTime? JoinedAt { get; init; }
    public DateTime? DisconnectedAt { get; init; }
    public DateTime? LeftAt { get; init; }

    public bool IsPresent => State is "waiting" or "admitted";

    public ParticipantView ToView() => new(new PersonId(ParticipantId), ParseKind(Kind), ParseState(State), Admitted);

    public static ParticipantKind ParseKind(string kind) => kind switch
    {
        "patient" => ParticipantKind.Patient,
        "practitioner" => ParticipantKind.Practitioner,
        _ => ParticipantKind.Guest,
    };

    public static string KindName(ParticipantKind kind) => kind switch
    {
        ParticipantKind.Patient => "patient",
        ParticipantKind.Practitioner => "practitioner",
        _ => "guest",
    };

    public static ParticipantState ParseState(string state) => state switch
    {
        "invited" => ParticipantState.Invited,
        "waiting" => ParticipantState.Waiting,
        "admitted" => ParticipantState.Admitted,
        "disconnected" => ParticipantState.Disconnected,
        _ => ParticipantState.Left,
    };
}
