using Doctolib.Telehealth.Media.Plane;
using Doctolib.Telehealth.Media.Sdp;
using Doctolib.Telehealth.Media.Testing;

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
        WebRtcTestPeer patient = await harness.JoinAsync("room-ro1", "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync("room-ro1", "doctor", new TestPeerOptions { AudioPayloadType = 109, VideoPayloadType = 100 });
        SdpSessionDescription patientOffer = SdpParser.Parse(patient.CreateOffer());

        await harness.AdmitAsync("room-ro1", "patient", "doctor");

        SdpSessionDescription offer = SdpParser.Parse(await harness.OfferAsync(patientId, 0));
        ParticipantSession session = harness.Plane.FindSession(patientId)!;
        Assert.Equal(offer.Media.Select(m => m.Mid), offer.BundleGroup!.Mids);
        Assert.Equal(patientOffer.Media.Select(m => m.Mid), offer.Media.Take(patientOffer.Media.Count).Select(m => m.Mid));
        Assert.All(offer.Media.Take(patientOffer.Media.Count), m => Assert.Equal(SdpDirection.RecvOnly, m.Direction));
        SdpMediaSection[] added = offer.Media.Skip(patientOffer.Media.Count).ToArray();
        Assert.Equal([(SdpMediaKind.Audio, doctor.AudioSsrc), (SdpMediaKind.Video, doctor.VideoSsrc)], added.Select(m => (m.Kind, m.Ssrcs()[0])));
        Assert.Single(added[0].Ssrcs());
        SdpSsrcGroup fid = Assert.Single(added[1].SsrcGroups);
        Assert.Equal(("FID", doctor.VideoSsrc), (fid.Semantics, fid.Ssrcs[0]));
        Assert.Equal(added[1].Ssrcs(), fid.Ssrcs);
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
        WebRtcTestPeer patient = await harness.JoinAsync("room-ro2", "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync("room-ro2", "doctor");
        await harness.AdmitAsync("room-ro2", "patient", "doctor");
        string offer = await harness.OfferAsync(patientId, 0);
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
        SdpSessionDescription first = SdpParser.Parse(await harness.OfferAsync(patientId, 0));
        Assert.True(await PlaneHarness.EventuallyAsync(() => !harness.Plane.FindSession(patientId)!.OfferPending));
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);

        await harness.Plane.CloseAsync(new MediaParticipant("room-ro3", "doctor"), timeout.Token);

        SdpSessionDescription second = SdpParser.Parse(await harness.OfferAsync(patientId, 1));
        Assert.Equal(first.Media.Select(m => m.Mid), second.Media.Select(m => m.Mid));
        SdpMediaSection[] idle = second.Media.Skip(2).ToArray();
        Assert.Equal(2, idle.Length);
        Assert.All(idle, m => Assert.Equal(SdpDirection.Inactive, m.Direction));
        Assert.All(idle, m => Assert.Empty(m.SsrcAttributes));
        Assert.True(await PlaneHarness.EventuallyAsync(() => !harness.Plane.FindSession(patientId)!.OfferPending));

        WebRtcTestPeer nurse = await harness.JoinAsync("room-ro3", "nurse");
        await harness.AdmitAsync("room-ro3", "patient", "nurse");

        SdpSessionDescription third = SdpParser.Parse(await harness.OfferAsync(patientId, 2));
        Assert.Equal(first.Media.Select(m => m.Mid), third.Media.Select(m => m.Mid));
        Assert.Equal([(SdpDirection.SendOnly, nurse.AudioSsrc), (SdpDirection.SendOnly, nurse.VideoSsrc)],
            third.Media.Skip(2).Select(m => (m.Direction, m.Ssrcs()[0])));
    }

    [Theory]
    [InlineData("drop-last-section", "has 3 m-sections but the server's offer had 4")]
    [InlineData("rename-last-mid", "m-section 4 of the answer is not the one the server offered there (video")]
    [InlineData("swap-kind", "m-section 3 of the answer is not the one the server offered there (audio")]
    [InlineData("setup-passive", "the answer must say a=setup:active")]
    [InlineData("other-fingerprint", "not the certificate of this media session")]
    [InlineData("other-ufrag", "an ICE restart is made with an offer, not an answer")]
    public async Task Answer_ThatDoesNotAnswerTheOffer_IsRefusedAndTheOfferStaysOpenForTheRightAnswer(string change, string expected)
    {
        await using var harness = new PlaneHarness { AnswerOffers = false };
        var patientId = new MediaParticipant("room-ro4", "patient");
        WebRtcTestPeer patient = await harness.JoinAsync("room-ro4", "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync("room-ro4", "doctor");
        await harness.AdmitAsync("room-ro4", "patient", "doctor");
        string offer = await harness.OfferAsync(patientId, 0);
        string answer = patient.AnswerOffer(offer);
        string broken = Break(answer, change);
        Assert.NotEqual(answer, broken);
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);

        MediaNegotiationException error = await Assert.ThrowsAsync<MediaNegotiationException>(() =>
            harness.Plane.AcceptAnswerAsync(patientId, broken, timeout.Token));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(patient.Identity.IceUfrag, error.Message, StringComparison.Ordinal);
        ParticipantSession session = harness.Plane.FindSession(patientId)!;
        Assert.True(session.OfferPending);
        Assert.DoesNotContain(session.Sections, s => s.Confirmed);

        await harness.Plane.AcceptAnswerAsync(patientId, answer, timeout.Token);
        Assert.False(session.OfferPending);
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Forwards(doctor, patient)), harness.Describe(patient, doctor));
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(300), doctor);
        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(patient, doctor)), harness.Describe(patient, doctor));
    }

    [Fact]
    public async Task Answer_ToAnOfferWhoseSlotChangedTrackMeanwhile_ConfirmsOnlyWhatItAnsweredAndTheNextOfferCarriesTheNewTrack()
    {
        await using var harness = new PlaneHarness { AnswerOffers = false };
        var patientId = new MediaParticipant("room-ro5", "patient");
        WebRtcTestPeer patient = await harness.JoinAsync("room-ro5", "patient");
        WebRtcTestPeer doctor = await harness.JoinAsync("room-ro5", "doctor");
        await harness.AdmitAsync("room-ro5", "patient", "doctor");
        string first = await harness.OfferAsync(patientId, 0);
        Assert.Contains(doctor.VideoSsrc, SdpParser.Parse(first).Media.SelectMany(m => m.Ssrcs()));
        using var timeout = new CancellationTokenSource(PlaneHarness.Timeout);

        // While the first offer waits, the doctor leaves and a nurse takes the same two slots.
        await harness.Plane.CloseAsync(new MediaParticipant("room-ro5", "doctor"), timeout.Token);
        WebRtcTestPeer nurse = await harness.JoinAsync("room-ro5", "nurse");
        await harness.AdmitAsync("room-ro5", "patient", "nurse");
        ParticipantSession session = harness.Plane.FindSession(patientId)!;
        Assert.Equal([nurse.AudioSsrc, nurse.VideoSsrc], session.Sections.Where(s => !s.OfferedByParticipant).Select(s => s.Track!.Ssrc));
        await harness.Plane.AcceptAnswerAsync(patientId, patient.AnswerOffer(first), timeout.Token);

        Assert.DoesNotContain(session.Sections, s => s.Confirmed);
        string second = await harness.OfferAsync(patientId, 1);
        Assert.Equal([nurse.AudioSsrc, nurse.VideoSsrc], SdpParser.Parse(second).Media.Skip(2).Select(m => m.Ssrcs()[0]));
        await harness.Plane.AcceptAnswerAsync(patientId, patient.AnswerOffer(second), timeout.Token);
        Assert.Equal(2, session.Sections.Count(s => s.Confirmed));
        Assert.True(await PlaneHarness.EventuallyAsync(() => harness.Forwards(nurse, patient)), harness.Describe(patient, nurse));
        await PlaneHarness.PublishAsync(TimeSpan.FromMilliseconds(300), nurse);
        Assert.True(await PlaneHarness.EventuallyAsync(() => PlaneHarness.ReceivedAll(patient, nurse)), harness.Describe(patient, nurse));
    }

    /// <summary>Makes one change to a correct answer, the kind a broken or confused client would send.</summary>
    private static string Break(string answer, string change)
    {
        string[] lines = answer.Split("\r\n");
        int lastM = Array.FindLastIndex(lines, l => l.StartsWith("m=", StringComparison.Ordinal));
        switch (change)
        {
            case "drop-last-section":
                return string.Join("\r\n", lines.Take(lastM)) + "\r\n";
            case "rename-last-mid":
                int mid = Array.FindLastIndex(lines, l => l.StartsWith("a=mid:", StringComparison.Ordinal));
                lines[mid] = "a=mid:renamed";
                break;
            case "swap-kind":
                int thirdM = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("m=", StringComparison.Ordinal)).ElementAt(2).i;
                lines[thirdM] = lines[thirdM].Replace("m=audio", "m=video", StringComparison.Ordinal);
                break;
            case "setup-passive":
                lines = lines.Select(l => l == "a=setup:active" ? "a=setup:passive" : l).ToArray();
                break;
            case "other-fingerprint":
                lines = lines.Select(l => l.StartsWith("a=fingerprint:sha-256 ", StringComparison.Ordinal)
                    ? l.Substring(0, l.Length - 2) + (l.EndsWith("00", StringComparison.Ordinal) ? "11" : "00") : l).ToArray();
                break;
            case "other-ufrag":
                lines = lines.Select(l => l.StartsWith("a=ice-ufrag:", StringComparison.Ordinal) ? l + "x" : l).ToArray();
                break;
        }

        return string.Join("\r\n", lines);
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
