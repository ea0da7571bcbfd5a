namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>Ends live-media intervals left open by media that stopped without a media_down (a crash, a move, a lost
/// node): each at the participant's last relay mark, never later, so billing counts only what was relayed.</summary>
internal static class OpenMedia
{
    /// <summary>The INSERT closing every open interval of the consultations (not ended) that <paramref name="roomFilter"/>
    /// (a condition on <c>t.appointment_id</c>) selects; <c>@reason</c> is the media_down detail.</summary>
    public static string CloseSql(string roomFilter) =>
        $"""
        INSERT INTO rooms.timeline (appointment_id, at, kind, participant_id, detail)
        SELECT o.appointment_id, GREATEST(o.at, COALESCE(m.last_relayed_at, o.at)), '{LiveMedia.Down}', o.participant_id, @reason
        FROM (SELECT DISTINCT ON (t.appointment_id, t.participant_id) t.appointment_id, t.participant_id, t.kind, t.at
              FROM rooms.timeline t JOIN rooms.consultations c ON c.appointment_id = t.appointment_id
              WHERE c.state <> 'ended' AND t.kind IN ('{LiveMedia.Up}', '{LiveMedia.Down}') AND ({roomFilter})
              ORDER BY t.appointment_id, t.participant_id, t.seq DESC) o
        LEFT JOIN rooms.media_marks m ON m.appointment_id = o.appointment_id AND m.participant_id = o.participant_id
        WHERE o.kind = '{LiveMedia.Up}'
        """;
}
