import json
from common import *
P='/work/blind/pass/'
def dump(name,rows):
    with open(P+name+'.jsonl','w',encoding='utf-8') as f:
        for r in rows: f.write(json.dumps(r,ensure_ascii=False)+'\n')

# ---------------- stance ----------------
ST={
'000':{'russia':('neutral',"Russian statements (Medinsky's satisfaction/readiness, Peskov on NATO) relayed without evaluation; the narration 's13' that the meeting 'failed due Putin not showing up' is a literal report (judged non-biased, factual), so no cue either way."),
       'ukraine':('against',"author's label 'Ukrainian Dictator Vladimir Zelensky' in the lead sentence (s1), while Putin is 'Russian President'."),
       'us_mediation':('favor',"author credits Trump: 'Trump did much of the groundwork in bringing the two countries together' (s10) and 'Trump ordered direct negotiations' (s19, overstating his power); Trump's claims ('We're going to get it done', he 'will be able to break the deadlock') are left unanswered."),
       'unconditional_ceasefire':('neutral','not discussed (only "versions of a potential ceasefire" and each side presenting a vision).')},
'001':{'russia':('neutral',"Medinsky's satisfaction quoted at length, but balanced by Ukraine's demands and Russia's territorial claims reported plainly ('Though the Kremlin has said it is open to a ceasefire ... Russia now claims sovereignty ...'); no evaluative wording."),
       'ukraine':('neutral',"Ukrainian demands and Zelensky's sanctions call reported plainly; 'non-starter for Kiev' is a neutral idiom."),
       'us_mediation':('neutral',"Trump's vows and statements reported; the closing Trump quote ('we'll solve it or maybe not') is his own words, not evaluated by the author."),
       'unconditional_ceasefire':('neutral',"Ukraine's demand for a complete and unconditional ceasefire reported as a demand; no slant.")},
'002':{'russia':('neutral',"cues balance: Putin's blame-shift quote ('It was not Russia ... It was Kyiv') is left unanswered (selection), while the Ukrainian complaint ('We haven't received a Russian yes') and 'But ... Medinsky pronounced himself satisfied' (mildly distancing reporting verb) cut the other way; closes even-handedly (s21)."),
       'ukraine':('neutral',"Ukrainian officials quoted often but plainly; no evaluative wording toward Kyiv."),
       'us_mediation':('neutral','not discussed (Trump only named as someone Zelenskyy discussed the talks with).'),
       'unconditional_ceasefire':('neutral',"Ukraine's condition, the Kremlin's push-back ('pushed back' is a neutral idiom) and Fidan's urgency quote are reported without the author's evaluation.")},
'003':{'russia':('neutral',"machine-translated; Medinsky is quoted most and the sub-heading 'Satisfactory conversations' gives his satisfaction prominence (selection), but the closing background reports Russia's refusal of the ceasefire and its preconditions plainly; no author wording. Lean toward favor by selection judged too weak."),
       'ukraine':('neutral','requests and appeals reported plainly.'),
       'us_mediation':('neutral','not discussed.'),
       'unconditional_ceasefire':('neutral',"'Kiev and Western allies have been appealing ... for a 30-day unconditional ceasefire' and Moscow's refusal with its argument are reported as positions (standard background), no slant.")},
'004':{'russia':('against',"author's reporting verb 'A Ukrainian official revealed that the Kremlin introduced \"new and unacceptable demands\"' adopts the claim as fact; the suspicion that 'Moscow may be using the talks as a stalling tactic' is left unanswered as framing; 'large swathes of its own territory'."),
       'ukraine':('favor',"author's sympathetic interpretation: the uniforms were 'a symbolic statement ... underlining their country's ongoing experience as a nation under attack' (s5); Ukraine's claims relayed without counterweight."),
       'us_mediation':('neutral',"US pressure for talks and Trump's statement reported without evaluation ('weighed in' is a neutral idiom); 'The timing of such a summit remains unclear' is plain."),
       'unconditional_ceasefire':('favor',"Russia's conditional ceasefire (withdrawal) presented via 'revealed' as 'new and unacceptable demands', and the unanswered suspicion that Moscow stalls 'to deflect pressure for a ceasefire' presents rejection of a ceasefire as the obstacle; weak, as 'unconditional' is not named.")},
}
TORDER=['russia','ukraine','us_mediation','unconditional_ceasefire']
dump('stance',[{'doc_id':short(k),'stances':[{'target':t,'label':v[t][0],'note':v[t][1]} for t in TORDER]} for k,v in sorted(ST.items())])

# ---------------- frames ----------------
E='External regulation and reputation'; PP='Policy prescription and evaluation'; SD='Security and defense'; PO='Political'
FR={
'000':[E,E,E,E,E,PO,PO,PO,PO,PO,E,E,E],
'001':[E,E,E,E,E,PP,E,SD,PO,PO],
'002':[E,E,E,E,E,PP,E,E,E,E,E],
'003':[E]*15+[PP,PP,PP],
'004':[E,E,E,E,E,PP,E,E,E,E,PO,E],
}
rows=[]
for k,pf in sorted(FR.items()):
    doc=short(k); ps=seg(doc)['paragraphs']; assert len(ps)==len(pf),(k,len(ps))
    fr=[]
    for f in pf:
        if f not in fr: fr.append(f)
    if k=='000' and PO not in fr: fr.append(PO)
    rows.append({'doc_id':doc,'frames':fr,'primary_frame':pf[0],'paragraphs':[{'paragraph_id':p['id'],'frame':f} for p,f in zip(ps,pf)]})
dump('frames',rows)

# ---------------- bias_sentences ----------------
BS={  # exceptions; default non-biased/factual
'000':{'s1':('biased','mixed'),'s10':('biased','opinion'),'s17':('non-biased','opinion'),'s19':('biased','mixed')},
'001':{},
'002':{'s14':('biased','mixed'),'s21':('non-biased','opinion')},
'003':{},
'004':{'s2':('non-biased','mixed'),'s5':('biased','mixed'),'s6':('non-biased','mixed'),'s8':('non-biased','mixed'),'s9':('non-biased','mixed'),'s10':('biased','mixed')},
}
rows=[]
for k,ex in sorted(BS.items()):
    doc=short(k)
    ss=seg(doc)['sentences']
    for sid in ex: assert any(s['id']==sid for s in ss)
    rows.append({'doc_id':doc,'sentences':[{'sentence_id':s['id'],'label':ex.get(s['id'],('non-biased','factual'))[0],'opinion':ex.get(s['id'],('non-biased','factual'))[1]} for s in ss]})
dump('bias_sentences',rows)

# ---------------- bias_spans ----------------
SP={
'000':[('Dictator','s1','Name_Calling-Labeling','volodymyr-zelenskyy','negative'),
       ('ordered','s19','Exaggeration-Minimisation','donald-trump','positive'),
       ('effectively at war with the Russian Federation','s18','Exaggeration-Minimisation','nato','negative')],
'001':[('killings','s10','Loaded_Language',None,None),
       ('I think it’s time for us to just do it','s15','Appeal_to_Time',None,None)],
'002':[('It was not Russia that broke off negotiations in 2022. It was Kyiv.','s5','Whataboutism','kyiv','negative'),
       ('to take advantage of this opportunity','s9','Appeal_to_Time',None,None),
       ('critically important that the ceasefire happens as soon as possible','s9','Appeal_to_Time',None,None),
       ('killings','s16','Loaded_Language',None,None)],
'003':[],
'004':[('a nation under attack','s5','Loaded_Language','ukraine','positive'),
       ('there are two paths—one toward peace, the other toward more destruction and loss of life','s8','False_Dilemma-No_Choice',None,None),
       ('may be using the talks as a stalling tactic','s17','Doubt','moscow','negative')],
}
rows=[]
for k,lst in sorted(SP.items()):
    doc=short(k); out=[]
    for sfc,sid,tech,tgt,pol in lst:
        sp=span(doc,sfc,sid); out.append({**sp,'technique':tech,'target_entity_id':tgt,'polarity':pol})
    out.sort(key=lambda x:(x['start'],-x['end']))
    out=[{'id':f'b{i+1}',**x} for i,x in enumerate(out)]
    rows.append({'doc_id':doc,'spans':out})
dump('bias_spans',rows)
print('ok')
