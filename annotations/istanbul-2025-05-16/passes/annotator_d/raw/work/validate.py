import json,sys
from common import *
P='/work/blind/pass/'
FRAMES=["Economic","Capacity and resources","Morality","Fairness and equality","Legality, constitutionality and jurisprudence","Policy prescription and evaluation","Crime and punishment","Security and defense","Health and safety","Quality of life","Cultural identity","Public opinion","Political","External regulation and reputation","Other"]
TECH=["Name_Calling-Labeling","Guilt_by_Association","Doubt","Appeal_to_Hypocrisy","Questioning_the_Reputation","Flag_Waving","Appeal_to_Authority","Appeal_to_Popularity","Appeal_to_Values","Appeal_to_Fear-Prejudice","Exaggeration-Minimisation","Loaded_Language","Repetition","Obfuscation-Vagueness-Confusion","Slogans","Conversation_Killer","Appeal_to_Time","Causal_Oversimplification","False_Dilemma-No_Choice","Consequential_Oversimplification","Straw_Man","Red_Herring","Whataboutism"]
ROLES={'protagonist':["Guardian","Martyr","Peacemaker","Rebel","Underdog","Virtuous"],
'antagonist':["Instigator","Conspirator","Tyrant","Foreign Adversary","Traitor","Spy","Saboteur","Corrupt","Incompetent","Terrorist","Deceiver","Bigot"],
'innocent':["Forgotten","Exploited","Victim","Scapegoat"],'none':[]}
assert len(FRAMES)==15 and len(TECH)==23 and sum(map(len,ROLES.values()))==22
ents={json.loads(l)['entity_id'] for l in open('/work/blind/inventories/entities.jsonl')}
facts=[json.loads(l)['fact_id'] for l in open('/work/blind/inventories/fact_inventory.jsonl')]
targets=[json.loads(l)['target_id'] for l in open('/work/blind/inventories/stance_targets.jsonl')]
aux={json.loads(l)['doc_id']:{m['id'] for m in json.loads(l)['mentions']} for l in open(P+'work/mentions_aux.jsonl')}
err=[]
def E(*a): err.append(' '.join(map(str,a)))
def chk_span(doc,x,where):
    t=text(doc)
    for k in ('start','end','text'):
        if k not in x: E(where,'missing',k); return
    if not (isinstance(x['start'],int) and isinstance(x['end'],int) and 0<=x['start']<x['end']<=len(t)): E(where,'bad offsets'); return
    if t[x['start']:x['end']]!=x['text']: E(where,'text mismatch',x)
    if x['text']!=x['text'].strip(): E(where,'whitespace')
def load(name):
    rows=[json.loads(l) for l in open(P+name+'.jsonl',encoding='utf-8')]
    ids=[r['doc_id'] for r in rows]
    if sorted(ids)!=DOCS or len(ids)!=len(set(ids)): E(name,'doc ids',ids)
    return rows
for r in load('stance'):
    assert set(r)=={'doc_id','stances'}
    if [s['target'] for s in r['stances']]!=targets: E('stance targets',r['doc_id'])
    for s in r['stances']:
        if set(s)!={'target','label','note'} or s['label'] not in ('favor','against','neutral'): E('stance',r['doc_id'],s)
for r in load('frames'):
    doc=r['doc_id']; ps=[p['id'] for p in seg(doc)['paragraphs']]
    if set(r)!={'doc_id','frames','primary_frame','paragraphs'}: E('frames keys')
    if [p['paragraph_id'] for p in r['paragraphs']]!=ps: E('frames paragraphs',doc)
    for f in r['frames']+[r['primary_frame']]+[p['frame'] for p in r['paragraphs'] if p['frame'] is not None]:
        if f not in FRAMES: E('frame label',f)
    pf={p['frame'] for p in r['paragraphs'] if p['frame']}
    if not pf<=set(r['frames']): E('frames union',doc)
    if r['primary_frame'] not in r['frames']: E('primary',doc)
for r in load('bias_sentences'):
    doc=r['doc_id']; ss=[s['id'] for s in seg(doc)['sentences']]
    if [s['sentence_id'] for s in r['sentences']]!=ss: E('bs ids',doc)
    for s in r['sentences']:
        if s['label'] not in ('biased','non-biased') or s['opinion'] not in ('factual','opinion','mixed'): E('bs label',doc,s)
        if s['label']=='biased' and s['opinion']=='factual': E('note: biased+factual',doc,s)
for r in load('bias_spans'):
    doc=r['doc_id']; prev=None
    for i,x in enumerate(r['spans']):
        if set(x)!={'id','start','end','text','technique','target_entity_id','polarity'}: E('span keys',doc,x)
        if x['id']!=f'b{i+1}': E('span id',doc,x['id'])
        chk_span(doc,x,f'span {doc} {x["id"]}')
        if x['technique'] not in TECH: E('tech',x['technique'])
        if x['target_entity_id'] is not None and x['target_entity_id'] not in ents: E('tgt',x)
        if (x['target_entity_id'] is None)!=(x['polarity'] is None): E('tgt/pol',doc,x['id'])
        if x['polarity'] not in (None,'positive','neutral','negative'): E('pol',x)
        key=(x['start'],-x['end'])
        if prev and key<prev: E('span order',doc)
        prev=key
for r in load('entity_frames'):
    doc=r['doc_id']
    for x in r['entities']:
        if set(x)!={'entity_id','main_role','fine_roles','portrayal','evidence'}: E('ef keys')
        if x['entity_id'] not in ents: E('ef ent',x)
        if x['main_role'] not in ROLES or any(f not in ROLES[x['main_role']] for f in x['fine_roles']): E('ef roles',doc,x)
        if x['portrayal'] not in ('positive','neutral','negative'): E('portrayal',x)
        if not x['evidence'] or any(m not in aux[doc] for m in x['evidence']): E('ef evidence',doc,x)
for r in load('facts'):
    doc=r['doc_id']
    if [f['fact_id'] for f in r['facts']]!=facts: E('facts ids',doc)
    for f in r['facts']:
        if set(f)!={'fact_id','reported','evidence'} or not isinstance(f['reported'],bool): E('fact keys',doc,f['fact_id'])
        if f['reported']!=bool(f['evidence']): E('reported/evidence',doc,f['fact_id'])
        for j,x in enumerate(f['evidence']): chk_span(doc,x,f'fact {doc} {f["fact_id"]} ev{j}')
for r in [json.loads(l) for l in open(P+'work/mentions_aux.jsonl')]:
    doc=r['doc_id']
    for i,m in enumerate(r['mentions']):
        chk_span(doc,m,f'mention {doc} {m["id"]}')
        if m['id']!=f'm{i+1}': E('mention id')
print('\n'.join(err) if err else 'ALL VALID')
