using Dapper;
using Doctolib.Telehealth.Media;
using Npgsql;

namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>Writes what the media plane relayed into the consultation timeline (media_up / media_down): the record
/// billing trusts for "who had live media, from when to when". Entries after the end are not kept. The plane's
/// periodic marks go to <c>rooms.media_marks</c>, so a restart can end open intervals at the last relayed packet.</summary>
internal sealed class MediaTimelineObserver(NpgsqlDataSource dataSource, IRoomsNode node) : IMediaObserver
{
    public Task MediaUpAsync(MediaParticipant participant, DateTimeOffset at, CancellationToken cancellationToken) =>
        AppendAsync(participant, at, LiveMedia.Up, null, cancellationToken);

    public Task MediaDownAsync(MediaParticipant participant, DateTimeOffset at, string reason, CancellationToken cancellationToken) =>
        AppendAsync(participant, at, LiveMedia.Down, reason, cancellationToken);

    public async Task MediaRelayedAsync(IReadOnlyList<RelayMark> marks, CancellationToken cancellationToken)
    {
        var rooms = new List<Guid>(marks.Count);
        var participants = new List<string>(marks.Count);
        var times = new List<DateTime>(marks.Count);
        foreach (var mark in marks)
        {
            if (Guid.TryParse(mark.Participant.RoomId, out var appointmentId))
            {
                rooms.Add(appointmentId);
                participants.Add(mark.Participant.ParticipantId);
                times.Add(mark.LastRelayedAt.UtcDateTime);
            }
        }
        if (rooms.Count == 0)
        {
            return;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO rooms.media_marks (appointment_id, participant_id, last_relayed_at, node_id)
            SELECT r, p, t, @node FROM unnest(@rooms, @participants, @times) AS u(r, p, t)
            ON CONFLICT (appointment_id, participant_id)
            DO UPDATE SET last_relayed_at = GREATEST(rooms.media_marks.last_relayed_at, excluded.last_relayed_at), node_id = excluded.node_id
            """,
            new { rooms = rooms.ToArray(), participants = participants.ToArray(), times = times.ToArray(), node = node.Id },
            cancellationToken: cancellationToken));
    }

    private async Task AppendAsync(MediaParticipant participant, DateTimeOffset at, string kind, string? detail, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(participant.RoomId, out var appointmentId))
        {
            return;
        }
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO rooms.timeline (appointment_id, at, kind, participant_id, detail)
            SELECT @id, @at, @kind, @participant, @detail FROM rooms.consultations
            WHERE appointment_id = @id AND state <> 'ended'
            """,
            new { id = appointmentId, at = at.UtcDateTime, kind, participant = participant.ParticipantId, detail },
            cancellationToken: cancellationToken));
    }
}
