import { Arg, Ctx, Field, Int, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { AnyAuthenticated, Public } from '../../server/auth/access.js';
import type { Clock } from '../../server/clock.js';
import type { RequestContext } from '../../server/context.js';
import { VERSION } from '../../server/version.js';

@ObjectType({
  simpleResolvers: true,
  description: 'What any client may know about the server before signing in',
})
export class ServerInfo {
  @Field({ description: 'Version of the server (semantic versioning)' })
  @Public()
  version!: string;

  @Field({ description: 'Server time (legal time reference for registrations)' })
  @Public()
  time!: Date;
}

@ObjectType({ simpleResolvers: true, description: 'A liveness tick on a subscription' })
export class Heartbeat {
  @Field({ description: 'When the tick was sent' })
  @AnyAuthenticated()
  at!: Date;
}

@Resolver()
export class SystemResolver {
  @Query(() => ServerInfo, { description: 'Version and server time; needs no token' })
  @Public()
  serverInfo(@Ctx() ctx: RequestContext): ServerInfo {
    return { version: VERSION, time: ctx.clock.now() };
  }

  @Subscription(() => Heartbeat, {
    description: 'Ticks every few seconds, so live clients can tell a quiet feed from a dead one',
    subscribe: ({ args, context }) =>
      ticks((args as { intervalSeconds: number }).intervalSeconds, (context as RequestContext).clock),
  })
  @AnyAuthenticated()
  heartbeat(
    @Root() at: Date,
    @Arg('intervalSeconds', () => Int, { defaultValue: 15, description: 'Seconds between ticks, 5 to 300' })
    _intervalSeconds: number,
  ): Heartbeat {
    return { at };
  }
}

/**
 * A tick now, then one every interval (at least 5 s: every tick reloads the subscriber's
 * rights). Not an async generator: one suspended in its sleep cannot be stopped, and its timer
 * would keep a closing server alive; return() here clears the timer at once.
 */
function ticks(intervalSeconds: number, clock: Clock): AsyncIterableIterator<Date> {
  const ms = Math.min(Math.max(intervalSeconds, 5), 300) * 1000;
  let first = true;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const finished: IteratorReturnResult<undefined> = { done: true, value: undefined };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<Date>> {
      if (!first && !stopped) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, ms);
        });
      }
      first = false;
      return stopped ? finished : { done: false, value: clock.now() };
    },
    return(): Promise<IteratorResult<Date>> {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      return Promise.resolve(finished);
    },
  };
}
