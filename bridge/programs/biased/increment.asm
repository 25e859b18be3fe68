; increment, biased (all M-1 elements equal): read once, write v+1 from the last cell down
.machine M=7 R=5
.init r0=5 r2=@done r3=@loop r4=0
       r1 = READ r0
       r1 = INC r1
loop:  WRITE r0, r1
       JEZ r0, r2
       r0 = DEC r0
       JEZ r4, r3          ; r4 = 0: always taken
done:  STOP
