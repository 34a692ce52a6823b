/** The voter's screens, one per phase of the backend's voter session (main/rpc/api.ts VoterView). */
import { useState } from 'react';
import type { VoterView } from '../../../main/rpc/api';
import { BallotScreen } from './ballot-screen';
import { EndedScreen } from './ended-screen';
import { InactivityGuard } from './inactivity-guard';
import { ReceiptScreen } from './receipt-screen';
import { CheckInFailedScreen, IneligibleScreen } from './refusal-screen';
import { ReviewScreen } from './review-screen';
import { WaitingScreen } from './waiting-screen';

function PhaseScreen(props: {
  readonly voter: Exclude<VoterView, { phase: 'idle' }>;
  readonly startContest: string | null;
  readonly setStartContest: (id: string | null) => void;
}) {
  const { voter } = props;
  switch (voter.phase) {
    case 'identifying':
      return <WaitingScreen kind="identifying" />;
    case 'awaiting-confirmation':
      // The document's details are for the poll worker's console, not for the public screen.
      return <WaitingScreen kind="awaiting-confirmation" />;
    case 'checking-in':
      return <WaitingScreen kind="checking-in" />;
    case 'ineligible':
      return <IneligibleScreen reason={voter.reason} message={voter.message} />;
    case 'check-in-failed':
      return <CheckInFailedScreen message={voter.message} />;
    case 'ballot':
      return (
        <BallotScreen
          ballot={voter.ballot}
          selections={voter.selections}
          startContestId={props.startContest}
        />
      );
    case 'review':
      return (
        <ReviewScreen
          ballot={voter.ballot}
          selections={voter.selections}
          revision={voter.revision}
          onEdit={props.setStartContest}
        />
      );
    case 'casting':
      return <WaitingScreen kind="casting" />;
    case 'cast':
      return <ReceiptScreen receipt={voter.receipt} />;
    case 'ended':
      return <EndedScreen reason={voter.reason} message={voter.message} />;
  }
}

export function VoterFlow(props: { readonly voter: Exclude<VoterView, { phase: 'idle' }> }) {
  const [startContest, setStartContest] = useState<string | null>(null);
  return (
    <>
      <PhaseScreen voter={props.voter} startContest={startContest} setStartContest={setStartContest} />
      <InactivityGuard phase={props.voter.phase} />
    </>
  );
}
