using Doctolib.Telehealth.Media.Plane;
using Doctolib.Telehealth.Media.Sdp;

namespace Doctolib.Telehealth.Media.Tests.Plane;

/// <summary>The server's re-offers (JSEP §5.2.2) and the answers to them, read with our parser: a participant's own
/// m-sections stay as negotiated, each forwarded track gets a sendonly section of its own, sections of tracks that
/// went away stay in place inactive, and only the sections the answer accepted are forwarded to.</summary>
public sealed class ReOfferTests
{
    [Fact]
    public async Task ReOffer_WhenAnotherPeerIsAdmitted_AppendsASendOnlySectionPerTrackWithTheReceiversPayloadTypes()
    {
        await using var harness = new PlaneHarness { AnswerOffers = false };
        var patientId = new MediaParticipant("room-ro1", "patient");
        TestPeer.TestPeer patient = await harness.JoinAsync("room-ro1", "patient");
        TestPeer.TestPeer doctor = await harness.JoinAsync("room-ro1", "doctor", new TestPeer.TestPeerOptions { AudioPayloadType = 109, VideoPayloadType = 100 });
        SdpSessionDescription patientOffer = SdpParser.Parse(patient.CreateOffer());

        await harness.AdmitAsync("room-ro1", "patient", "doctor");

        SdpSessionDescription offer = SdpParser.Parse(await NextOfferAsync(harness, patientId, 0));
        ParticipantSession session = harness.Plane.FindSession(patientId)!;
        Assert.Equal(offer.Media.Select(m => m.Mid), offer.BundleGroup!.Mids);
        Assert.Equal(patientOffer.Media.Select(m => m.Mid), offer.Media.Take(patientOffer.Media.Count).Select(m => m.Mid));
        Assert.All(offer.Media.Take(patientOffer.Media.Count), m => Assert.Equal(SdpDirection.RecvOnly, m.Direction));
        SdpMediaSection[] added = offer.Media.Skip(patientOffer.Media.Count).ToArray();
        Assert.Equal([(SdpMediaKind.Audio, doctor.AudioSsrc), (SdpMediaKind.Video, doctor.VideoSsrc)], added.Select(m => (m.Kind, m.Ssrcs().Single())));
        Assert.DoesNotContain(added, m => patientOffer.Media.Any(p => p.Mid == m.Mid));
        for (int i = 0; i < added.Length; i++)
        {
            SdpMediaSection own = patientOffer.Media.Single(m => m.Kind == added[i].Kind);
            Assert.Equal(SdpDirection.SendOnly, added[i].Direction);
            Assert.Equal(own.Formats, added[i].Formats);
            Assert.Equal(session.LocalUfrag, offer.EffectiveIceUfrag(added[i]));
            Assert.True(added[i].RtcpMux);
        }

        Assert.True(session.OfferPending);
        Assert.DoesNotContain(session.Sections, s => s.Confirmed);
    }

    [Fact]
    public async Task Answer_ThatDeclinesTheVideoSection_ForwardsOnlyTheAudio()
    {
        await using var harness = new PlaneHarness { AnswerOffers = false };
        var patientId = new MediaParticipant("room-ro2", "patient");
        TestPeer.TestPeer patient = await harness.JoinAsync("room-ro2", "patient");
        TestPeer.TestPeer doctor = await harness.JoinAsync("room-ro2", "doctor");
        await harness.AdmitAsync("room-ro2", "patient", "doctor");
        string offer = await NextOfferAsync(harness, patientId, 0);
        string videoMid = SdpParser.Parse(offer).Media.Last(m => m.Kind == SdpMediaKind.Video).Mid!;
        string answer = DeclineSection(patient.AnswerOffer(offer), videoMid);
        Assert.Equal(SdpDirection.Inactive, SdpParser.Parse(answer).Media.Single(m => m.Mid == videoMid).Direction);
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);

        await harness.Plane.AcceptAnswerAsync(patientId, answer, timeout.Token);

        ParticipantSession session = harness.Plane.FindSession(patientId)!;
        Assert.False(session.OfferPending);
        Assert.Equal([(false, true), (true, false)], session.Sections.Where(s => !s.OfferedByParticipant).Select(s => (s.Track!.IsVideo, s.Confirmed)));
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(400), doctor);
        Assert.True(await PlaneHarness.EventuallyAsync(() => patient.Stream(doctor.AudioSsrc)?.Packets == doctor.AudioPacketsSent), harness.Describe(patient, doctor));
        Assert.Null(patient.Stream(doctor.VideoSsrc));
        Assert.True(doctor.VideoPacketsSent > 0);

        MediaNegotiationException error = await Assert.ThrowsAsync<MediaNegotiationException>(() =>
            harness.Plane.AcceptAnswerAsync(patientId, answer, timeout.Token));
        Assert.Contains("no offer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReOffer_AfterAPeerLeavesAndAnotherJoins_KeepsTheSameSectionsAndCarriesTheNewTracksInThem()
    {
        await using var harness = new PlaneHarness();
        var patientId = new MediaParticipant("room-ro3", "patient");
        await harness.JoinAsync("room-ro3", "patient");
        await harness.JoinAsync("room-ro3", "doctor");
        await harness.AdmitAsync("room-ro3", "patient", "doctor");
        SdpSessionDescription first = SdpParser.Parse(await NextOfferAsync(harness, patientId, 0));
        Assert.True(await PlaneHarness.EventuallyAsync(() => !harness.Plane.FindSession(patientId)!.OfferPending));
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);

        await harness.Plane.CloseAsync(new MediaParticipant("room-ro3", "doctor"), timeout.Token);

        SdpSessionDescription second = SdpParser.Parse(await NextOfferAsync(harness, patientId, 1));
        Assert.Equal(first.Media.Select(m => m.Mid), second.Media.Select(m => m.Mid));
        SdpMediaSection[] idle = second.Media.Skip(2).ToArray();
        Assert.Equal(2, idle.Length);
        Assert.All(idle, m => Assert.Equal(SdpDirection.Inactive, m.Direction));
        Assert.All(idle, m => Assert.Empty(m.SsrcAttributes));
        Assert.True(await PlaneHarness.EventuallyAsync(() => !harness.Plane.FindSession(patientId)!.OfferPending));

        TestPeer.TestPeer nurse = await harness.JoinAsync("room-ro3", "nurse");
        await harness.AdmitAsync("room-ro3", "patient", "nurse");

        SdpSessionDescription third = SdpParser.Parse(await NextOfferAsync(harness, patientId, 2));
        Assert.Equal(first.Media.Select(m => m.Mid), third.Media.Select(m => m.Mid));
        Assert.Equal([(SdpDirection.SendOnly, nurse.AudioSsrc), (SdpDirection.SendOnly, nurse.VideoSsrc)],
            third.Media.Skip(2).Select(m => (m.Direction, m.Ssrcs().Single())));
    }

    /// <summary>Waits for the re-offer number <paramref name="index"/> (from 0) sent to <paramref name="participant"/>.</summary>
    private static async Task<string> NextOfferAsync(PlaneHarness harness, MediaParticipant participant, int index)
    {
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Offers.Count(o => o.Participant == participant) > index),
            $"re-offer {index} to {participant.ParticipantId} never came");
        return harness.Offers.Where(o => o.Participant == participant).ElementAt(index).Sdp;
    }

    /// <summary>Turns the direction of one m-section of an answer to inactive (the answerer declines it).</summary>
    private static string DeclineSection(string answer, string mid)
    {
        string[] lines = answer.Split("\r\n");
        bool inSection = false;
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("m=", StringComparison.Ordinal))
            {
                inSection = false;
            }
            else if (lines[i] == "a=mid:" + mid)
            {
                inSection = true;
            }
            else if (inSection && lines[i] is "a=recvonly" or "a=sendrecv")
            {
                lines[i] = "a=inactive";
            }
        }

        return string.Join("\r\n", lines);
    }
}
