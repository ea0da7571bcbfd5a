using Dapper;
using Doctolib.Telehealth.Media;
using Npgsql;

namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>Writes what the media plane saw into the consultation timeline (media_up / media_down): the record
/// billing trusts for "who had live media, from when to when". Entries after the end are not kept.</summary>
internal sealed class MediaTimelineObserver(NpgsqlDataSource dataSource) : IMediaObserver
{
    public Task MediaUpAsync(MediaParticipant participant, DateTimeOffset at, CancellationToken cancellationToken) =>
        AppendAsync(participant, at, LiveMedia.Up, null, cancellationToken);

    public Task MediaDownAsync(MediaParticipant participant, DateTimeOffset at, string reason, CancellationToken cancellationToken) =>
        AppendAsync(participant, at, LiveMedia.Down, reason, cancellationToken);

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
