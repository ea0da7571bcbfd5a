using Doctolib.Telehealth.Media.Plane;
using Doctolib.Telehealth.Media.Testing;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>Seeded random mutations of a test peer's answer to a real server offer: each is either taken, or refused
/// with <see cref="MediaNegotiationException"/> and then nothing changed (the offer still waits, no slot changed its
/// confirmation). Nothing else escapes, and a correct answer afterwards still gets the media forwarded.</summary>
public sealed class AnswerFuzzTests
{
    private const int Iterations = 300;

    [Fact]
    public async Task AcceptAnswer_RandomMutationsOfACorrectAnswer_TakeOrRefuseWithoutChangingAnythingAndForwardingStillStarts()
    {
        await using var harness = new PlaneHarness { AnswerOffers = false };
        var patientId = new MediaParticipant("room-answer-fuzz", "patient");
        WebRtcTestPeer patient = await harness.JoinAsync("room-answer-fuzz", "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync("room-answer-fuzz", "doctor");
        await harness.AdmitAsync("room-answer-fuzz", "patient", "doctor");
        ParticipantSession session = harness.Plane.FindSession(patientId)!;
        string offer = await harness.OfferAsync(patientId, 0);
        var random = new Random(3264);
        int taken = 0;
        int refused = 0;
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout * 4);
        for (int i = 0; i < Iterations; i++)
        {
            string answer = OfferFuzzTests.Mutate(patient.AnswerOffer(offer).Split("\r\n"), random);
            bool[] before = session.Sections.Select(s => s.Confirmed).ToArray();
            try
            {
                await harness.Plane.AcceptAnswerAsync(patientId, answer, timeout.Token);
            }
            catch (MediaNegotiationException e)
            {
                Assert.False(string.IsNullOrEmpty(e.Message));
                Assert.True(session.OfferPending);
                Assert.Equal(before, session.Sections.Select(s => s.Confirmed));
                refused++;
                continue;
            }

            taken++;
            Assert.False(session.OfferPending);
            Assert.All(session.Sections.Where(s => s.Confirmed), s => Assert.Contains(s.Track!.Ssrc, new[] { doctor.AudioSsrc, doctor.VideoSsrc }));
            offer = await ReOfferAsync(harness, patient, patientId);
        }

        Assert.True(taken > Iterations / 10, $"only {taken} mutations were taken");
        Assert.True(refused > Iterations / 10, $"only {refused} mutations were refused");

        await harness.Plane.AcceptAnswerAsync(patientId, patient.AnswerOffer(offer), timeout.Token);
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Forwards(doctor, patient)), harness.Describe(patient, doctor));
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(300), doctor);
        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(patient, doctor)), harness.Describe(patient, doctor));
    }

    /// <summary>Gets a fresh server offer waiting: the doctor is let out and back in; the offer that lets the doctor
    /// out is answered correctly, and the one bringing the doctor back is left waiting.</summary>
    private static async Task<string> ReOfferAsync(PlaneHarness harness, WebRtcTestPeer patient, MediaParticipant patientId)
    {
        int sent = harness.Offers.Count(o => o.Participant == patientId);
        await harness.AdmitAsync(patientId.RoomId, "patient");
        await harness.AdmitAsync(patientId.RoomId, "patient", "doctor");
        string without = await harness.OfferAsync(patientId, sent);
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);
        await harness.Plane.AcceptAnswerAsync(patientId, patient.AnswerOffer(without), timeout.Token);
        return await harness.OfferAsync(patientId, sent + 1);
    }
}
